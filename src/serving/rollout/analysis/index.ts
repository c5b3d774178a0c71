/** A/B analysis for rollouts: fixed-horizon tests, the always-valid mSPRT, sample sizes, verdicts and Thompson sampling. */
export * from './ab-analysis.js';
export * from './ab-inputs.js';
export * from './ab-verdict.js';
export * from './minimum-sample-size.js';
export * from './msprt.js';
export * from './thompson-sampling.js';
export * from './two-proportion-z-test.js';
export * from './variant-intervals.js';
export * from './welch-t-test.js';
