/**
 * Every migration this version of Kiln knows, in order. Add new ones at the end (next id, new file);
 * never edit or reorder a released one.
 */
import type { Migration } from '../migration.js';
import { migration001Datasets } from './001-datasets.js';
import { migration002DatasetDocuments } from './002-dataset-documents.js';
import { migration003TrainedModels } from './003-trained-models.js';
import { migration004IngestOffsets } from './004-ingest-offsets.js';
import { migration005Security } from './005-security.js';
import { migration006Tracking } from './006-tracking.js';
import { migration007ProjectScope } from './007-project-scope.js';
import { migration008Jobs } from './008-jobs.js';
import { migration009ModelRegistry } from './009-model-registry.js';
import { migration010Endpoints } from './010-endpoints.js';
import { migration011ServingCapture } from './011-serving-capture.js';
import { migration012FeatureRegistry } from './012-feature-registry.js';
import { migration013Monitors } from './013-monitors.js';
import { migration014Alerts } from './014-alerts.js';
import { migration016Rollouts } from './016-rollouts.js';
import { migration017EndpointRequestStats } from './017-endpoint-request-stats.js';
import { migration018PredictionVariants } from './018-prediction-variants.js';

/** The known migrations in id order (015 lands from a parallel branch; `runMigrations` tolerates gaps). */
export const MIGRATIONS: readonly Migration[] = [
  migration001Datasets,
  migration002DatasetDocuments,
  migration003TrainedModels,
  migration004IngestOffsets,
  migration005Security,
  migration006Tracking,
  migration007ProjectScope,
  migration008Jobs,
  migration009ModelRegistry,
  migration010Endpoints,
  migration011ServingCapture,
  migration012FeatureRegistry,
  migration013Monitors,
  migration014Alerts,
  migration016Rollouts,
  migration017EndpointRequestStats,
  migration018PredictionVariants,
];
