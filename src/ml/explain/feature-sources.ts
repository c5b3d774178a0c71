/**
 * Which signature input each model feature comes from. Every runtime preprocessing step reads one
 * working column and writes one or more (one-hot levels, date parts, hashed buckets, tf-idf terms,
 * an imputer's indicator), so following reads back to the signature gives each feature exactly one
 * source column. Attributions are additive, so a column's attribution is the sum over its features:
 * `shap_color = shap_color=red + shap_color=blue + ...`.
 */
import { InputError } from '../../core/errors.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { compileFeatures } from '../../runtime/preprocess/features.js';
import { STEP_COMPILERS } from '../../runtime/preprocess/step-registry.js';

/** Feature -> input mapping of a bundle. */
export interface FeatureSources {
  /** Signature input names, in signature order (the columns attributions are reported on). */
  readonly columns: readonly string[];
  /** For model feature j, the index in `columns` of its source input. */
  readonly sourceOf: Int32Array;
}

/** Trace every model feature of the bundle back to its signature input. */
export function featureSources(bundle: ModelBundle): FeatureSources {
  const columns = bundle.signature.inputs.map((i) => i.name);
  const index = new Map(columns.map((c, i) => [c, i]));
  const origin = new Map<string, number>();
  const sourceOfColumn = (name: string): number | undefined => origin.get(name) ?? index.get(name);
  const states = bundle.preprocessing;
  states.slice(0, -1).forEach((state, i) => {
    const compile = STEP_COMPILERS[state.kind];
    if (!compile) throw new InputError(`preprocessing step ${i} has unknown kind "${state.kind}"`, { field: `preprocessing[${i}]` });
    const step = compile(state, i);
    const src = step.reads.length === 1 ? sourceOfColumn(step.reads[0]) : undefined;
    if (src === undefined) throw new InputError(`preprocessing step ${i} (${state.kind}) does not read exactly one signature column; its features cannot be attributed to an input`, { field: `preprocessing[${i}]` });
    for (const w of step.writes) origin.set(w, src);
  });
  const names = compileFeatures(states[states.length - 1], states.length - 1).names;
  const sourceOf = new Int32Array(names.length);
  names.forEach((name, j) => {
    const src = sourceOfColumn(name);
    if (src === undefined) throw new InputError(`model feature "${name}" has no source column in the signature`, { column: name });
    sourceOf[j] = src;
  });
  return { columns, sourceOf };
}
