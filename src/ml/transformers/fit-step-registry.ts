/**
 * Registry of fitters: step kind -> function that fits it on one working column. Adding a transformer is
 * one entry here, one fitter file and one runtime kernel.
 */
import type { StepFitter } from './fit-context.js';
import { fitImputer } from './fit-imputer.js';
import { fitKBins } from './fit-kbins.js';
import { fitOneHot } from './fit-one-hot.js';
import { fitOrdinal } from './fit-ordinal.js';
import { fitMinMaxScaler, fitRobustScaler, fitStandardScaler } from './fit-scalers.js';
import { fitBoolToNumber, fitDateParts, fitHashing, fitLog1p } from './fit-stateless-steps.js';
import { fitTargetEncoder } from './fit-target-encoder.js';
import { fitTfidf } from './fit-tfidf.js';
import type { StepSpec } from './pipeline-spec.js';

type Fitters = { readonly [K in Exclude<StepSpec['kind'], 'drop'>]: StepFitter<Extract<StepSpec, { kind: K }>> };

/** Fitter per step kind (`drop` is handled by the pipeline itself). */
export const STEP_FITTERS: Fitters = {
  impute: fitImputer,
  standard_scale: fitStandardScaler,
  min_max_scale: fitMinMaxScaler,
  robust_scale: fitRobustScaler,
  log1p: fitLog1p,
  bool_to_number: fitBoolToNumber,
  one_hot: fitOneHot,
  ordinal: fitOrdinal,
  target_encode: fitTargetEncoder,
  kbins: fitKBins,
  date_parts: fitDateParts,
  tfidf: fitTfidf,
  hashing: fitHashing,
};
