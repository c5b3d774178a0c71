/**
 * `fitPipeline`: fits a PipelineSpec on a training Frame and returns the serialized states (ending with
 * the `features` state), the training FeatureMatrix and the feature names. Every fitted state is applied
 * with the same runtime kernel that serves the model, so the training matrix equals what
 * `compilePipeline(states).transform(frame)` gives (out-of-fold target encodings excepted, by design).
 */
import { InputError, UsageError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import type { Schema } from '../../core/schema.js';
import type { SignatureInput, Task, TransformerState } from '../../runtime/bundle-types.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { compileFeatures } from '../../runtime/preprocess/features.js';
import type { FeaturesState } from '../../runtime/preprocess/features.js';
import { ordinalCodeCount } from '../../runtime/preprocess/ordinal.js';
import type { OrdinalState } from '../../runtime/preprocess/ordinal.js';
import { STEP_COMPILERS } from '../../runtime/preprocess/step-registry.js';
import { WorkingSet } from '../../runtime/preprocess/working-set.js';
import type { FitContext, FittedStep, StepFitter } from './fit-context.js';
import { STEP_FITTERS } from './fit-step-registry.js';
import { validatePipelineSpec } from './pipeline-spec.js';
import type { ColumnBlock, PipelineSpec, StepSpec } from './pipeline-spec.js';

/** Options of a pipeline fit. */
export interface FitPipelineOptions {
  /** Training target (class index for classification), needed by target encoding. */
  readonly target?: Float64Array;
  readonly task?: Task;
  readonly seed: number;
}

/** A fitted pipeline. */
export interface FittedPipeline {
  /** Serialized states for the model bundle, the last one of kind `features`. */
  readonly states: TransformerState[];
  /** The training matrix. */
  readonly matrix: FeatureMatrix;
  readonly featureNames: string[];
  /** The input columns the pipeline reads, for the bundle signature. */
  readonly inputs: SignatureInput[];
  /** Things the user should know (dropped ID columns, empty columns, removed bins). */
  readonly warnings: string[];
}

/** Rows at or above which an all-distinct categorical/text column is taken for an identifier. */
const MIN_ROWS_FOR_ID = 20;

function looksLikeId(frame: Frame, name: string): boolean {
  const col = frame.column(name);
  if (frame.rowCount < MIN_ROWS_FOR_ID) return false;
  const seen = new Set<string>();
  for (let i = 0; i < frame.rowCount; i++) {
    const v = col.type === 'categorical' ? (col.codes[i] < 0 ? null : col.categories[col.codes[i]]) : col.type === 'text' ? col.values[i] : null;
    if (v === null || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

function signatureInput(schema: Schema, name: string): SignatureInput {
  const field = schema.fields.find((f) => f.name === name);
  if (!field) throw new InputError(`column "${name}" not found`, { column: name });
  return field.categories ? { name, type: field.type, nullable: field.nullable, categories: field.categories } : { name, type: field.type, nullable: field.nullable };
}

/** Resolve which block each column belongs to; explicit names first, then type selectors in order. */
function assignColumns(spec: PipelineSpec, frame: Frame, warnings: string[]): { perBlock: string[][]; remainder: string[] } {
  const dropped = new Set(spec.drop ?? []);
  for (const d of dropped) if (!frame.has(d)) warnings.push(`drop: column "${d}" is not in the data`);
  const claimed = new Map<string, number>();
  const perBlock: string[][] = spec.blocks.map(() => []);
  spec.blocks.forEach((block, b) => {
    if (!Array.isArray(block.columns)) return;
    for (const name of block.columns as readonly string[]) {
      if (!frame.has(name)) throw new InputError(`blocks[${b}] selects column "${name}", which is not in the data`, { column: name }, `Columns: ${frame.names.slice(0, 30).join(', ')}`);
      const prev = claimed.get(name);
      if (prev !== undefined) throw new UsageError(`column "${name}" is selected by blocks[${prev}] and blocks[${b}]`, { column: name }, 'Select each column in one block only.');
      claimed.set(name, b);
      perBlock[b].push(name);
    }
  });
  spec.blocks.forEach((block, b) => {
    if (Array.isArray(block.columns)) return;
    const type = (block.columns as { type: string }).type;
    for (const col of frame.columns) {
      if (col.type !== type || claimed.has(col.name) || dropped.has(col.name)) continue;
      if (spec.dropIdColumns && (type === 'categorical' || type === 'text') && looksLikeId(frame, col.name)) {
        warnings.push(`column "${col.name}" has a distinct value in every row (an identifier?); dropped from the features`);
        dropped.add(col.name);
        continue;
      }
      claimed.set(col.name, b);
      perBlock[b].push(col.name);
    }
  });
  const remainder = frame.columns.filter((c) => !claimed.has(c.name) && !dropped.has(c.name)).map((c) => c.name);
  return { perBlock, remainder };
}

/** Fit a preprocessing pipeline on training data. */
export function fitPipeline(specIn: PipelineSpec, frame: Frame, opts: FitPipelineOptions): FittedPipeline {
  const spec = validatePipelineSpec(specIn);
  if (opts.target && opts.target.length !== frame.rowCount) {
    throw new InputError(`target has ${opts.target.length} values but the data has ${frame.rowCount} rows`, { field: 'target' });
  }
  const warnings: string[] = [];
  const work = new WorkingSet(frame.rowCount);
  const ctx: FitContext = { work, target: opts.target, task: opts.task, rng: new Rng(opts.seed), warnings };
  const { perBlock, remainder } = assignColumns(spec, frame, warnings);
  const states: TransformerState[] = [];
  const features: string[] = [];
  const nativeCounts = new Map<string, number>();
  const used: string[] = [];

  const runStep = (column: string, step: StepSpec): readonly string[] => {
    const fitter = STEP_FITTERS[step.kind as Exclude<StepSpec['kind'], 'drop'>] as StepFitter<StepSpec>;
    const fitted: FittedStep = fitter(ctx, column, step);
    const compiled = STEP_COMPILERS[fitted.state.kind](fitted.state, states.length);
    for (const w of compiled.writes) {
      if (w !== column && work.has(w)) throw new UsageError(`${step.kind} on "${column}" would overwrite column "${w}"`, { column: w }, 'Rename the input column that clashes with a generated feature name.');
    }
    compiled.apply(work);
    if (fitted.trainOutputs) for (const [name, values] of fitted.trainOutputs) work.setNumeric(name, values);
    states.push(fitted.state);
    for (const w of compiled.writes) nativeCounts.delete(w);
    if (fitted.state.kind === 'ordinal' && (step as { native?: boolean }).native) {
      const s = fitted.state as OrdinalState;
      nativeCounts.set(s.output, ordinalCodeCount(s));
    }
    return compiled.writes;
  };

  // Whatever is not numeric after its steps gets the minimal encoding a model can consume.
  const finish = (name: string, where: string): void => {
    const col = work.get(name, where);
    if (col.type === 'numeric' || col.type === 'timestamp') features.push(name);
    else if (col.type === 'boolean') {
      runStep(name, { kind: 'bool_to_number' });
      features.push(name);
    } else if (col.type === 'categorical') {
      runStep(name, { kind: 'ordinal', native: true, maxCategories: 255, unknownValue: 'infrequent' });
      features.push(name);
    } else throw new UsageError(`${where}: column "${name}" is text; add a tfidf or hashing step, or drop it`, { column: name });
  };

  const fitBlock = (block: ColumnBlock, names: readonly string[], b: number): void => {
    for (const name of names) {
      used.push(name);
      work.set(frame.column(name));
      let current: readonly string[] = [name];
      for (const step of block.steps) {
        if (step.kind === 'drop') {
          current = [];
          break;
        }
        const next: string[] = [];
        for (const c of current) next.push(...runStep(c, step));
        current = next;
      }
      for (const c of current) finish(c, `blocks[${b}]`);
    }
  };

  spec.blocks.forEach((block, b) => fitBlock(block, perBlock[b], b));
  if (spec.remainder === 'passthrough') {
    for (const name of remainder) {
      if (frame.column(name).type === 'text') {
        warnings.push(`column "${name}" is text and no block encodes it; dropped`);
        continue;
      }
      fitBlock({ columns: [name], steps: [] }, [name], -1);
    }
  }

  const seen = new Set<string>();
  for (const f of features) {
    if (seen.has(f)) throw new UsageError(`feature name "${f}" is produced twice`, { column: f }, 'Rename the input column that clashes with a generated feature name.');
    seen.add(f);
  }
  if (features.length === 0) throw new UsageError('the pipeline produces no features', {}, 'Select at least one column, or use remainder: "passthrough".');
  const featuresState: FeaturesState = { kind: 'features', names: features, categoryCounts: features.map((f) => nativeCounts.get(f) ?? 0) };
  states.push(featuresState);
  const schema = frame.select(used).schema();
  const matrix = compileFeatures(featuresState, states.length - 1).assemble(work);
  return { states, matrix, featureNames: [...features], inputs: used.map((n) => signatureInput(schema, n)), warnings };
}
