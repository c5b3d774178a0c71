/** Bias metrics of data and models (SageMaker Clarify's pre- and post-training metrics). */
export { conditionalDemographicDisparity, divide, flipTest, POST_TRAINING_METRICS, postTrainingMetrics, PRE_TRAINING_METRICS, preTrainingMetrics } from './bias-metrics.js';
export type { BiasInputs } from './bias-metrics.js';
export { fairnessReport } from './fairness-report.js';
export type { FairnessOptions, FairnessReport } from './fairness-report.js';
