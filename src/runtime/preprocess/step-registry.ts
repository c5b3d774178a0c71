/**
 * Registry of runtime preprocessing steps: transformer `kind` -> compiler. Adding a transformer is one
 * entry here and one file beside it.
 */
import { compileBoolToNumber } from './bool-to-number.js';
import type { StepCompiler } from './compiled-step.js';
import { compileDateParts } from './date-parts.js';
import { compileHashing } from './hashing.js';
import { compileImpute } from './impute.js';
import { compileKBins } from './kbins.js';
import { compileLog1p } from './log1p.js';
import { compileOneHot } from './one-hot.js';
import { compileOrdinal } from './ordinal.js';
import { compileCenterScale, compileMinMaxScale } from './scale.js';
import { compileTargetEncode } from './target-encode.js';
import { compileTfidf } from './tfidf.js';
import { compileZeroAsMissing } from './zero-as-missing.js';

/** Compilers for every transformer kind a bundle may contain (besides the final `features`). */
export const STEP_COMPILERS: Readonly<Record<string, StepCompiler>> = {
  impute: compileImpute,
  standard_scale: compileCenterScale,
  robust_scale: compileCenterScale,
  min_max_scale: compileMinMaxScale,
  log1p: compileLog1p,
  bool_to_number: compileBoolToNumber,
  one_hot: compileOneHot,
  ordinal: compileOrdinal,
  target_encode: compileTargetEncode,
  kbins: compileKBins,
  date_parts: compileDateParts,
  tfidf: compileTfidf,
  hashing: compileHashing,
  zero_as_missing: compileZeroAsMissing,
};
