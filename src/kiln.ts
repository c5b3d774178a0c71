/**
 * `openKiln`: the embedded platform. It resolves configuration, sizes DuckDB from the machine's budget,
 * opens the metadata and artifact stores chosen by it, and composes the services the CLI and HTTP
 * server share: `datasets` (versions) and `training` (models into the stores).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KilnConfig } from './config.js';
import { ConfigValueError, resolveConfig } from './config.js';
import { UsageError } from './core/errors.js';
import type { ArtifactReferenceProvider } from './data/artifacts/artifact-references.js';
import { datasetArtifactReferences } from './data/datasets/dataset-artifact-references.js';
import { datasetPartReferences } from './data/datasets/dataset-part-references.js';
import { DatasetService } from './data/datasets/dataset-service.js';
import { configureTempSpace, sweepStaleTemp } from './data/io/temp-space.js';
import { configureDuckDb } from './data/io/duckdb-session.js';
import { ArtifactEncryption } from './security/artifact-encryption.js';
import { masterKeysFromEnv } from './security/master-keys-from-env.js';
import { SecretsAtRest } from './security/secrets-at-rest.js';
import { JobService } from './jobs/job-service.js';
import { jobsConfigFromEnv } from './jobs/jobs-config.js';
import { openJobQueue } from './jobs/open-job-queue.js';
import { PING_JOB_KIND, pingJobHandler } from './jobs/ping-job.js';
import { oidcConfigFromEnv } from './security/oidc-config-from-env.js';
import { OidcVerifier } from './security/oidc-verifier.js';
import { SecurityService } from './security/security-service.js';
import type { ArtifactStore } from './store/artifact-store.js';
import type { MetadataStore } from './store/metadata-store.js';
import { openArtifactStore, parseByteSize } from './store/open-artifact-store.js';
import { hasRawBlobAccess } from './store/raw-blob-access.js';
import { openMetadataStore } from './store/open-metadata-store.js';
import { registryArtifactReferences } from './registry/registry-artifact-references.js';
import { RegistryService } from './registry/registry-service.js';
import { runArtifactReferences } from './tracking/run-artifact-references.js';
import { captureSegmentArtifactReferences } from './serving/capture/capture-artifact-references.js';
import { CaptureService } from './serving/capture/capture-service.js';
import { FeedbackService } from './serving/feedback/feedback-service.js';
import { TrackingService } from './tracking/tracking-service.js';
import { TRAIN_JOB_KIND, trainJobHandler } from './training/train-job.js';
import { TUNE_JOB_KIND, tuneJobHandler } from './training/tuning/tune-job.js';
import { TUNE_TRIAL_JOB_KIND } from './training/tuning/trial-dispatcher.js';
import { tuneTrialJobHandler } from './training/tuning/tune-trial-job.js';
import { trainedModelArtifactReferences } from './training/trained-model-artifact-references.js';
import { TrainingService } from './training/training-service.js';
import { CompositeModelSource } from './serving/composite-model-source.js';
import { RegistryModelSource } from './serving/registry-model-source.js';
import { RolloutService } from './serving/rollout/rollout-service.js';
import { EndpointService } from './serving/endpoint-service.js';
import { FileModelSource } from './serving/file-model-source.js';
import { TrainedModelSource } from './serving/trained-model-source.js';
import { ASYNC_INFERENCE_JOB_KIND, asyncInferenceJobHandler } from './serving/async/async-inference-job.js';
import { AsyncInferenceService } from './serving/async/async-inference-service.js';
import { lazyInferenceRuntime } from './serving/async/lazy-inference-runtime.js';
import { jobArtifactReferences } from './serving/async/job-artifact-references.js';
import { BATCH_JOB_KIND, batchJobHandler } from './serving/batch/batch-job.js';
import { BatchJobService } from './serving/batch/batch-job-service.js';
import { outboundUrlPolicyFromEnv } from './security/outbound-url.js';
import type { PredictionSink } from './serving/prediction-record.js';
import { FeatureStoreService } from './features/feature-store-service.js';
import { lazyOnlineStore } from './store/open-online-store.js';
import { AlertService } from './monitoring/alerts/alert-service.js';
import { DEFAULT_RETRY_POLICY } from './monitoring/alerts/channels/delivery-attempts.js';
import { smtpSettingsFromEnv } from './monitoring/alerts/channels/email-channel.js';
import { BaselineService } from './monitoring/baselines/baseline-service.js';
import { monitorArtifactReferences } from './monitoring/baselines/monitor-artifact-references.js';
import { MONITOR_JOB_KIND, monitorJobHandler } from './monitoring/monitors/monitor-job.js';
import { MonitorScheduler } from './monitoring/monitors/monitor-scheduler.js';
import { MonitorService } from './monitoring/monitors/monitor-service.js';

/** An open Kiln instance. */
export interface Kiln {
  readonly config: KilnConfig;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly datasets: DatasetService;
  /** Experiments and tracked runs. */
  readonly tracking: TrackingService;
  /** Every repository's artifact references: the live set `kiln gc` keeps (add new repositories here). */
  readonly artifactReferences: readonly ArtifactReferenceProvider[];
  readonly training: TrainingService;
  /** Tokens, OIDC, projects and the audit log. */
  readonly security: SecurityService;
  /** Serving endpoints (CRUD); inference servers read them through `metadata.endpoints`. */
  readonly endpoints: EndpointService;
  /** Resolves model references (`trained:ID`, bundle files, registry `NAME@VERSION|ALIAS|production|latest`). */
  readonly servingModels: CompositeModelSource;
  /** Where servers offer prediction records (capture); none = discarded. */
  readonly predictionSink?: PredictionSink;
  /** Encryption at rest (on when KILN_MASTER_KEY or KILN_MASTER_KEY_FILE is set): key status and rotation. */
  readonly encryption: ArtifactEncryption;
  /** Background jobs (kind `train` registered here); `start()` runs them in this process. */
  readonly jobs: JobService;
  /** Feature definitions and point-in-time training sets. */
  readonly features: FeatureStoreService;
  /** Serving capture: the buffer the inference server offers to, and reading segments back. */
  readonly capture: CaptureService;
  /** Ground-truth labels for predictions, joined with captured rows. */
  readonly feedback: FeedbackService;
  /** Registered models: versions, aliases, stages, approvals, gates, lineage, cards; `resolve(ref)` for everyone. */
  readonly registry: RegistryService;
  /**
   * Alert rules over monitor results, alerts, deliveries and automated actions. `alerts.onMonitorRun` is
   * the `MonitorRunListener` the monitor service calls after every run.
   */
  readonly alerts: AlertService;
  /** Rollouts of new versions onto endpoints (blue/green, canary, linear, shadow, A/B) with guardrails. */
  readonly rollouts: RolloutService;
  /** Monitors on endpoints, their baselines (`monitors.baselines`) and runs; `onRun(listener)` for alerting. */
  readonly monitors: MonitorService;
  /** Submits scheduled monitor runs as `monitor` jobs; `kiln server` and `kiln worker` start it with the jobs. */
  readonly monitorScheduler: MonitorScheduler;
  /** Async inference: predict payloads scored as `async-inference` jobs (`POST /v1/endpoints/{name}/async`). */
  readonly asyncInference: AsyncInferenceService;
  /** Batch inference as jobs (`POST /v1/batch-jobs`, `kiln batch --async`). */
  readonly batchJobs: BatchJobService;
  close(): Promise<void>;
}

/** Share of the memory budget DuckDB may use: the rest is for the Frames it produces and training. */
const DUCKDB_SHARE = 0.5;

/** Open Kiln with configuration from the environment (overridable). */
export async function openKiln(overrides: Partial<KilnConfig> = {}): Promise<Kiln> {
  const config = checkedConfig(overrides);
  const jobsConfig = jobsConfigFromEnv();
  await mkdir(config.home, { recursive: true });
  // Staging files live next to the store (same disk as artifacts) and are swept there after a crash.
  configureTempSpace(join(config.home, 'tmp'));
  await sweepStaleTemp(join(config.home, 'tmp'));
  await configureDuckDb({ memoryLimitBytes: Math.floor(config.memoryBudgetBytes * DUCKDB_SHARE), threads: config.threads });
  const oidc = oidcConfigFromEnv();
  const metadata = await openMetadataStore(config.databaseUrl, config.home);
  const adapter = await openArtifactStore(config.artifactsUrl, config.home);
  if (!hasRawBlobAccess(adapter)) throw new UsageError(`the artifact store at ${adapter.location} gives no raw blob access, which encryption at rest needs`);
  const cacheSize = process.env.KILN_ARTIFACT_CACHE_SIZE?.trim();
  const keyring = masterKeysFromEnv();
  const encryption = await ArtifactEncryption.open(adapter, keyring, {
    cacheRoot: join(config.home, 'cache', 'decrypted'),
    cacheBytes: cacheSize ? parseByteSize(cacheSize, 'KILN_ARTIFACT_CACHE_SIZE') : 10 * 1024 ** 3,
  });
  const artifacts = encryption.store;
  const security = new SecurityService(metadata, oidc ? new OidcVerifier(oidc) : null);
  const datasets = new DatasetService(metadata, artifacts, security, join(config.home, 'tmp', 'parts'));
  const tracking = new TrackingService(metadata, artifacts);
  const training = new TrainingService(metadata, artifacts, datasets, { memoryBudgetBytes: config.memoryBudgetBytes, threads: config.threads }, security);
  const warn = (m: string): void => void process.stderr.write(`kiln jobs: ${m}\n`);
  const jobs = new JobService(metadata, { queue: await openJobQueue(jobsConfig, metadata, warn), timing: jobsConfig.timing, security, warn, defaultConcurrency: jobsConfig.concurrency });
  jobs.registerHandler(TRAIN_JOB_KIND, trainJobHandler(training, tracking, artifacts), { maxAttempts: 2 });
  jobs.registerHandler(TUNE_JOB_KIND, tuneJobHandler(tracking, training, artifacts, jobs), { maxAttempts: 2 });
  jobs.registerHandler(TUNE_TRIAL_JOB_KIND, tuneTrialJobHandler(tracking, training, artifacts), { maxAttempts: 2 });
  jobs.registerHandler(PING_JOB_KIND, pingJobHandler(() => jobs.workerId));
  const online = lazyOnlineStore(process.env.KILN_ONLINE_STORE_URL, config.home);
  const registry = new RegistryService(metadata, artifacts, datasets, security);
  const servingModels = new CompositeModelSource({ trained: new TrainedModelSource(metadata, artifacts), file: new FileModelSource(), registry: new RegistryModelSource(registry) });
  // Async-inference jobs score through an inference runtime of their own, started by the first such job.
  const asyncRuntime = lazyInferenceRuntime({ endpoints: metadata.endpoints, models: servingModels });
  jobs.registerHandler(ASYNC_INFERENCE_JOB_KIND, asyncInferenceJobHandler({ artifacts, runtime: asyncRuntime, outboundPolicy: () => outboundUrlPolicyFromEnv() }), { maxAttempts: 2 });
  jobs.registerHandler(BATCH_JOB_KIND, batchJobHandler({ artifacts, datasets, models: servingModels.withoutFiles(), importRoot: config.importRoot, workRoot: join(config.home, 'batch-jobs') }), { maxAttempts: 3 });
  const endpoints = new EndpointService(metadata, security, servingModels);
  const alerts = new AlertService({ metadata, endpoints, registry, jobs, datasets, security }, { channels: { outbound: outboundUrlPolicyFromEnv(), retry: DEFAULT_RETRY_POLICY, smtp: smtpSettingsFromEnv(), secrets: new SecretsAtRest(keyring) } });
  const feedback = new FeedbackService(metadata, artifacts, security, { memoryBudgetBytes: Math.floor(config.memoryBudgetBytes / 3) });
  const baselines = new BaselineService({ metadata, artifacts, datasets, feedback, models: servingModels, security, memoryBudgetBytes: Math.floor(config.memoryBudgetBytes / 3) });
  const monitors = new MonitorService({ metadata, feedback, models: servingModels, baselines, security });
  jobs.registerHandler(MONITOR_JOB_KIND, monitorJobHandler(monitors), { maxAttempts: 2 });
  const monitorScheduler = new MonitorScheduler(metadata, jobs);
  // Every monitor run reaches the alert rules; `for N runs` rules read the monitors' stored history.
  monitors.onRun(alerts.onMonitorRun);
  alerts.useHistory((project) => monitors.inProject(project));
  // Rollout events (breaches, rollbacks, promotions) reach the alert rules that listen to them.
  const rollouts = new RolloutService(metadata, security, servingModels, registry);
  rollouts.onEvent(alerts.onRolloutEvent);
  return {
    config,
    metadata,
    artifacts,
    datasets,
    tracking,
    artifactReferences: [datasetArtifactReferences(metadata), datasetPartReferences(metadata, artifacts), trainedModelArtifactReferences(metadata), runArtifactReferences(metadata), captureSegmentArtifactReferences(metadata), registryArtifactReferences(metadata), monitorArtifactReferences(metadata), jobArtifactReferences(metadata, ASYNC_INFERENCE_JOB_KIND, ['input', 'output']), jobArtifactReferences(metadata, BATCH_JOB_KIND, ['output'])],
    training,
    security,
    endpoints,
    servingModels,
    encryption,
    jobs,
    features: new FeatureStoreService(metadata, datasets, security, online.get, artifacts, join(config.home, 'features', 'offline-index')),
    capture: new CaptureService(metadata, artifacts, config.home, Math.floor(config.memoryBudgetBytes / 3)),
    feedback,
    registry,
    alerts,
    rollouts,
    monitors,
    monitorScheduler,
    asyncInference: new AsyncInferenceService(jobs, endpoints, artifacts, () => outboundUrlPolicyFromEnv()),
    batchJobs: new BatchJobService(jobs, datasets, servingModels.withoutFiles(), artifacts, config.importRoot),
    close: async () => {
      await monitorScheduler.close();
      // A rollback's alert is delivered before the store closes (bounded by the channels' retries).
      await alerts.settleEvents();
      alerts.close();
      // Running jobs are handed back (queued again) before the store closes under them.
      await jobs.close();
      await asyncRuntime.stop();
      await encryption.close();
      await online.close();
      await metadata.close();
    },
  };
}

/** `resolveConfig`, with an unusable variable reported as a usage error (exit 2) naming it. */
function checkedConfig(overrides: Partial<KilnConfig>): KilnConfig {
  try {
    return resolveConfig(overrides);
  } catch (err) {
    if (err instanceof ConfigValueError) throw new UsageError(err.message, { field: err.variable }, err.hint);
    throw err;
  }
}
