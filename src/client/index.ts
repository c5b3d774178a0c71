/**
 * kiln/client: a typed HTTP client for a Kiln server, for Node (>= 18) and browsers (global `fetch`, no
 * Node built-ins). `createClient({ baseUrl, token, project })`; errors are `KilnApiError`s.
 */
export { createClient } from './kiln-client.js';
export type { AuditClient, ClientOptions, DatasetsClient, KilnClient, ProjectsClient, TokensClient, TrainingClient } from './kiln-client.js';
export { TrackingClient, MAX_POINTS_PER_REQUEST } from './tracking-client.js';
export type { ActiveRun } from './tracking-client.js';
export { StudiesClient } from './studies-client.js';
export { JobsClient } from './jobs-client.js';
export type { Job } from './jobs-client.js';
export type { StudyDocument, StudyRequest, StudySummary, StudyTrial, StudyTrialRun } from './studies-client.js';
export { KilnApiError } from './kiln-api-error.js';
export { CLIENT_ROUTES } from './client-routes.js';
export type { ClientRoute } from './client-routes.js';
export type { FetchLike } from './http-transport.js';
export type * from './client-types.js';
