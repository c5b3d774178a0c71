/**
 * kiln: the platform SDK for embedded use. `openKiln()` opens the stores chosen by configuration and
 * exposes the same services the CLI and HTTP server use.
 */
export { openKiln } from './kiln.js';
export type { Kiln } from './kiln.js';
export { resolveConfig } from './config.js';
export type { KilnConfig } from './config.js';
export { DatasetService } from './data/datasets/dataset-service.js';
export { TrainingService } from './training/training-service.js';
export type { TrainingOutcome, TrainRunOptions } from './training/training-service.js';
export type { TrainRequest, TrainSpec, TrainingData } from './training/train-request.js';
export { runStudy } from './training/tuning/run-study.js';
export type { StudyRunOptions, StudyServices } from './training/tuning/run-study.js';
export type { StudyInfo, StudyProgress, StudyRequest, StudyResult } from './training/tuning/study-types.js';
export { TrackingService } from './tracking/tracking-service.js';
export type { ActiveRun, MetricInput, RunComparison, RunView, StartRunOptions } from './tracking/tracking-service.js';
export { JobService } from './jobs/job-service.js';
export type { JobEvent, JobListRequest, SubmitRequest } from './jobs/job-service.js';
export type { JobContext, JobHandler, JobKindOptions } from './jobs/job-handler.js';
export type { JobRecord, JobStatus, JobLogLine, JsonValue } from './store/job-repository.js';
export { RegistryService } from './registry/registry-service.js';
export type { ActorOptions, ModelDetails, OverrideOptions, RegisterBytesRequest, RegisterOptions, ResolvedModel } from './registry/registry-service.js';
export type { GatePolicy } from './registry/gate-policy.js';
export type { GateReport, GateCheck } from './registry/gate-evaluation.js';
export type { ModelCard } from './registry/model-card.js';
export { renderModelCardMarkdown } from './registry/model-card.js';
export { readFrame, readFrameChunks } from './data/io/read-frame.js';
export { profileFrames, profileFrame } from './data/profile/profile-frames.js';
export { renderProfileHtml } from './data/profile/render-profile-html.js';
export { createApp } from './server/create-app.js';
export { trainModel } from './ml/train/train-model.js';
export { createScorer } from './runtime/scorer.js';
export * from './core/index.js';
export { KILN_VERSION } from './version.js';
export { CaptureBuffer } from './serving/capture/capture-buffer.js';
export type { CaptureBufferOptions, CaptureCounters } from './serving/capture/capture-buffer.js';
export { CaptureService } from './serving/capture/capture-service.js';
export type { EndpointCaptureSettings } from './serving/capture/capture-settings.js';
export { FeedbackService } from './serving/feedback/feedback-service.js';
export type { FeedbackResult } from './serving/feedback/feedback-service.js';
export { runBatch } from './serving/batch/batch-run.js';
export type { BatchRunOptions, BatchRunSummary } from './serving/batch/batch-run.js';
