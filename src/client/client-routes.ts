/**
 * Every server route `kiln/client` calls, as OpenAPI path templates: the single table the client's methods
 * use, and the one a test checks against a real server's `/openapi.json`.
 */

/** A method and an OpenAPI path template. */
export interface ClientRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
}

/** The routes, by client concern. */
export const CLIENT_ROUTES = {
  health: { method: 'GET', path: '/healthz' },
  ready: { method: 'GET', path: '/readyz' },
  whoami: { method: 'GET', path: '/v1/whoami' },
  listDatasets: { method: 'GET', path: '/v1/datasets' },
  datasetVersions: { method: 'GET', path: '/v1/datasets/{name}' },
  showVersion: { method: 'GET', path: '/v1/datasets/{name}/versions/{version}' },
  registerVersion: { method: 'POST', path: '/v1/datasets/{name}/versions' },
  appendRows: { method: 'POST', path: '/v1/datasets/{name}/rows' },
  profile: { method: 'POST', path: '/v1/profile' },
  validate: { method: 'POST', path: '/v1/validate' },
  train: { method: 'POST', path: '/v1/train' },
  listTrainedModels: { method: 'GET', path: '/v1/trained-models' },
  getTrainedModel: { method: 'GET', path: '/v1/trained-models/{id}' },
  trainedModelBundle: { method: 'GET', path: '/v1/trained-models/{id}/bundle' },
  listExperiments: { method: 'GET', path: '/v1/experiments' },
  createExperiment: { method: 'POST', path: '/v1/experiments' },
  searchRuns: { method: 'GET', path: '/v1/runs' },
  startRun: { method: 'POST', path: '/v1/runs' },
  getRun: { method: 'GET', path: '/v1/runs/{id}' },
  deleteRun: { method: 'DELETE', path: '/v1/runs/{id}' },
  logMetrics: { method: 'POST', path: '/v1/runs/{id}/metrics' },
  logParams: { method: 'POST', path: '/v1/runs/{id}/params' },
  setTags: { method: 'POST', path: '/v1/runs/{id}/tags' },
  logArtifact: { method: 'POST', path: '/v1/runs/{id}/artifacts' },
  getArtifact: { method: 'GET', path: '/v1/runs/{id}/artifacts' },
  endRun: { method: 'POST', path: '/v1/runs/{id}/end' },
  listJobs: { method: 'GET', path: '/v1/jobs' },
  getJob: { method: 'GET', path: '/v1/jobs/{id}' },
  cancelJob: { method: 'POST', path: '/v1/jobs/{id}/cancel' },
  submitStudy: { method: 'POST', path: '/v1/studies' },
  listStudies: { method: 'GET', path: '/v1/studies' },
  getStudy: { method: 'GET', path: '/v1/studies/{id}' },
  studyTrials: { method: 'GET', path: '/v1/studies/{id}/trials' },
  cancelStudy: { method: 'POST', path: '/v1/studies/{id}/cancel' },
  createToken: { method: 'POST', path: '/v1/tokens' },
  listTokens: { method: 'GET', path: '/v1/tokens' },
  revokeToken: { method: 'DELETE', path: '/v1/tokens/{id}' },
  listProjects: { method: 'GET', path: '/v1/projects' },
  createProject: { method: 'POST', path: '/v1/projects' },
  listAudit: { method: 'GET', path: '/v1/audit' },
  verifyAudit: { method: 'GET', path: '/v1/audit/verify' },
} as const satisfies Record<string, ClientRoute>;
