/** Dataset profiling: streaming per-column statistics, correlations and the offline HTML report. */
export { profileFrame, profileFrames } from './profile-frames.js';
export { renderProfileHtml } from './render-profile-html.js';
export type { RenderProfileHtmlOptions } from './render-profile-html.js';
export { PROFILE_VERSION } from './profile-types.js';
export type {
  ColumnProfile,
  CorrelationMatrix,
  Correlations,
  Histogram,
  Profile,
  ProfileOptions,
  Quantiles,
  SkippedColumn,
  StringLengthStats,
  ValueCount,
} from './profile-types.js';
