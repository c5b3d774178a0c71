/**
 * `compilePipeline`: turns the serialized preprocessing of a model bundle into a function from a Frame
 * (or one record) to the FeatureMatrix the model consumes. States are checked and compiled once; each
 * call only runs the typed-array kernels. The input Frame may order its columns freely and carry extra
 * ones; only the inputs the steps actually read are required.
 */
import { InputError } from '../../core/errors.js';
import { columnFromValues } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import type { SignatureInput, TransformerState } from '../bundle-types.js';
import type { FeatureMatrix } from '../feature-matrix.js';
import { coerceInput } from './coerce-input.js';
import type { CompiledStep } from './compiled-step.js';
import { compileFeatures } from './features.js';
import { STEP_COMPILERS } from './step-registry.js';
import { WorkingSet } from './working-set.js';

/** A compiled preprocessing pipeline. */
export interface CompiledPipeline {
  /** Output feature names, in FeatureMatrix column order. */
  readonly featureNames: string[];
  /** Category counts per feature (0 = numeric), as in the FeatureMatrix. */
  readonly categoryCounts: Int32Array;
  /** Signature inputs the pipeline reads (a Frame must have these columns). */
  readonly requiredInputs: readonly SignatureInput[];
  /** Transform a batch. */
  transform(frame: Frame): FeatureMatrix;
  /** Transform one record of plain values (the single-row serving path). */
  transformRecord(record: Readonly<Record<string, unknown>>): FeatureMatrix;
}

function malformed(message: string): InputError {
  return new InputError(`malformed bundle: ${message}`, {}, 'Re-export the model bundle; it was edited or produced by an incompatible version.');
}

/** Compile preprocessing states (ending with a `features` state) against the signature inputs. */
export function compilePipeline(states: readonly TransformerState[], inputs: readonly SignatureInput[]): CompiledPipeline {
  if (!Array.isArray(states) || states.length === 0) throw malformed('preprocessing is empty; it must end with a "features" step');
  states.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.kind !== 'string') throw malformed(`preprocessing step ${i} has no kind`);
  });
  const last = states[states.length - 1];
  if (last.kind !== 'features') throw malformed(`the last preprocessing step is "${last.kind}", expected "features"`);
  const steps: CompiledStep[] = states.slice(0, -1).map((s, i) => {
    const compile = STEP_COMPILERS[s.kind];
    if (!compile) throw malformed(`preprocessing step ${i} has unknown kind "${s.kind}"; known: ${Object.keys(STEP_COMPILERS).join(', ')}`);
    return compile(s, i);
  });
  const assembler = compileFeatures(last, states.length - 1);

  // Inputs read before any step writes them are what the caller must supply.
  const byName = new Map(inputs.map((inp) => [inp.name, inp]));
  const written = new Set<string>();
  const required: SignatureInput[] = [];
  const need = (name: string, where: string): void => {
    if (written.has(name) || required.some((r) => r.name === name)) return;
    const inp = byName.get(name);
    if (!inp) throw malformed(`${where} reads "${name}", which is neither a signature input nor produced by an earlier step`);
    required.push(inp);
  };
  steps.forEach((st, i) => {
    for (const c of st.reads) need(c, `preprocessing step ${i}`);
    for (const c of st.writes) written.add(c);
  });
  for (const name of assembler.names) need(name, 'the features step');

  const run = (work: WorkingSet): FeatureMatrix => {
    for (const st of steps) st.apply(work);
    return assembler.assemble(work);
  };

  return {
    featureNames: [...assembler.names],
    categoryCounts: assembler.categoryCounts.slice(),
    requiredInputs: required,
    transform(frame: Frame): FeatureMatrix {
      const work = new WorkingSet(frame.rowCount);
      for (const inp of required) {
        const col = frame.tryColumn(inp.name);
        if (!col) {
          throw new InputError(`missing required column "${inp.name}"`, { column: inp.name }, `The model needs columns: ${required.map((r) => r.name).join(', ')}`);
        }
        work.set(coerceInput(col, inp));
      }
      return run(work);
    },
    transformRecord(record: Readonly<Record<string, unknown>>): FeatureMatrix {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new InputError('expected one record as an object of column -> value');
      const work = new WorkingSet(1);
      for (const inp of required) {
        if (!(inp.name in record)) {
          throw new InputError(`missing required field "${inp.name}"`, { field: inp.name, column: inp.name }, 'Send null for a missing value; omit no field the model needs.');
        }
        work.set(columnFromValues(inp.name, [record[inp.name]], inp.type === 'text' ? 'text' : inp.type));
      }
      return run(work);
    },
  };
}
