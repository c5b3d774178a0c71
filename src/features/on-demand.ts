/**
 * On-demand feature views: features computed at request time from other views' features (`view__feature`)
 * and request fields, with the expression language of data validation rules (`+ - * /`, comparisons,
 * `and/or/not`, `is null`, `in`; SQL-like nulls, division by zero is null; no function calls, no eval).
 * One evaluator (data/validation's, vectorized over a Frame) serves both training sets and online reads,
 * so the two cannot disagree. Inputs become typed columns from their declared types, so an expression's
 * type errors show at apply time (evaluated on a typed row of nulls), not on some later row.
 */
import { InputError } from '../core/errors.js';
import { BOOL_MISSING, Frame } from '../core/frame.js';
import type { Column } from '../core/frame.js';
import type { RuleNode } from '../data/validation/expression/rule-parser.js';
import { parseRule } from '../data/validation/expression/rule-parser.js';
import { evaluateExpression, ruleColumns, TRI_NULL } from '../data/validation/expression/rule-evaluator.js';
import type { DefinitionIssues } from './definition-issues.js';
import type { FeatureDefinition, FeatureType, FeatureViewDefinition } from './definitions.js';

/** Types an on-demand feature may produce (what the expression's value is). */
export const ON_DEMAND_TYPES = ['float64', 'bool', 'string'] as const;

/** One derived feature. */
export interface OnDemandFeature {
  readonly name: string;
  readonly type: (typeof ON_DEMAND_TYPES)[number];
  readonly expression: string;
  readonly description?: string;
}

/** Features computed at request time from other views' features and request fields. */
export interface OnDemandFeatureView {
  readonly name: string;
  /** Fields each request (or training-set entity row) carries. */
  readonly request: readonly FeatureDefinition[];
  readonly features: readonly OnDemandFeature[];
  readonly description?: string;
}

/** A typed input column: a request field, or a view's feature as `view__feature`. */
export interface OnDemandInput {
  readonly column: string;
  readonly type: FeatureType;
  /** Set for a view's feature. */
  readonly view?: string;
  readonly feature?: string;
}

type Scalar = string | number | boolean | null;

/** The columns `view`'s features read, with their types; unknown names are reported on `issues` (or thrown). */
export function onDemandInputs(odfv: OnDemandFeatureView, views: readonly FeatureViewDefinition[], path = `onDemandFeatureViews.${odfv.name}`, issues?: DefinitionIssues): OnDemandInput[] {
  const inputs = new Map<string, OnDemandInput>();
  odfv.features.forEach((f, j) => {
    let node: RuleNode;
    try {
      node = parseRule(f.expression);
    } catch (err) {
      report(issues, `${path}.features[${j}].expression`, (err as Error).message);
      return;
    }
    for (const col of ruleColumns(node)) {
      if (inputs.has(col)) continue;
      const req = odfv.request.find((r) => r.name === col);
      if (req) {
        inputs.set(col, { column: col, type: req.type });
        continue;
      }
      const sep = col.indexOf('__');
      const view = sep > 0 ? views.find((v) => v.name === col.slice(0, sep)) : undefined;
      const feature = view?.features.find((x) => x.name === col.slice(sep + 2));
      if (!view || !feature) report(issues, `${path}.features[${j}].expression`, `'${col}' is neither a request field of '${odfv.name}' nor VIEW__FEATURE of a feature view`);
      else inputs.set(col, { column: col, type: feature.type, view: view.name, feature: feature.name });
    }
  });
  return [...inputs.values()];
}

function report(issues: DefinitionIssues | undefined, path: string, message: string): void {
  if (issues) issues.add(path, message);
  else throw new InputError(`${path}: ${message}`, { field: path });
}

/** Type-check each expression on a typed row of nulls; the value type must be the declared one. */
export function checkOnDemandTypes(odfv: OnDemandFeatureView, inputs: readonly OnDemandInput[], path: string, issues: DefinitionIssues): void {
  const frame = inputFrame(inputs, inputs.map(() => [null]), 1);
  odfv.features.forEach((f, j) => {
    try {
      const r = evaluateExpression(parseRule(f.expression), frame, f.expression);
      const got = r.type === 'number' ? 'float64' : r.type === 'boolean' ? 'bool' : r.type === 'string' ? 'string' : 'null';
      if (got !== f.type) issues.add(`${path}.features[${j}].type`, `the expression gives ${got === 'null' ? 'always null' : got}, but the feature is declared ${f.type}`);
    } catch (err) {
      issues.add(`${path}.features[${j}].expression`, (err as Error).message);
    }
  });
}

/** Compute `features` of `odfv` for `n` rows; `values[i]` holds input `inputs[i]`'s values (JSON scalars). */
export function computeOnDemand(odfv: OnDemandFeatureView, features: readonly string[], inputs: readonly OnDemandInput[], values: ReadonlyArray<readonly Scalar[]>, n: number): Scalar[][] {
  const frame = inputFrame(inputs, values, n);
  return features.map((name) => {
    const f = odfv.features.find((x) => x.name === name);
    if (!f) throw new InputError(`on-demand feature view '${odfv.name}' has no feature '${name}'`, { field: 'features' });
    const r = evaluateExpression(parseRule(f.expression), frame, f.expression);
    const out: Scalar[] = new Array<Scalar>(n).fill(null);
    if (r.type === 'number') for (let i = 0; i < n; i++) out[i] = Number.isFinite(r.values[i]) ? r.values[i] : null;
    else if (r.type === 'boolean') for (let i = 0; i < n; i++) out[i] = r.values[i] === TRI_NULL ? null : r.values[i] === 1;
    else if (r.type === 'string') for (let i = 0; i < n; i++) out[i] = r.values[i];
    return out;
  });
}

/** A Frame of typed input columns (types from the definitions, never inferred from the values). */
function inputFrame(inputs: readonly OnDemandInput[], values: ReadonlyArray<readonly Scalar[]>, n: number): Frame {
  const columns: Column[] = inputs.map((input, c) => {
    const v = values[c];
    switch (input.type) {
      case 'string':
        return { name: input.column, type: 'text', values: Array.from({ length: n }, (_, i) => (typeof v[i] === 'string' ? (v[i] as string) : v[i] === null || v[i] === undefined ? null : String(v[i]))) };
      case 'bool':
        return { name: input.column, type: 'boolean', values: Uint8Array.from({ length: n }, (_, i) => (typeof v[i] === 'boolean' ? (v[i] ? 1 : 0) : BOOL_MISSING)) };
      case 'timestamp':
        return { name: input.column, type: 'timestamp', values: Float64Array.from({ length: n }, (_, i) => (typeof v[i] === 'number' ? (v[i] as number) : typeof v[i] === 'string' ? Date.parse(v[i] as string) : NaN)) };
      default:
        return { name: input.column, type: 'numeric', values: Float64Array.from({ length: n }, (_, i) => (typeof v[i] === 'number' ? (v[i] as number) : NaN)) };
    }
  });
  return new Frame(columns, n);
}
