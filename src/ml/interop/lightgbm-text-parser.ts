/**
 * Reads the text format of LightGBM's `save_model("m.txt")` (versions v2-v4): the header (`key=value`
 * lines), the `Tree=N` blocks up to `end of trees`, and the trailing `pandas_categorical:` JSON. A file
 * cut short (no `end of trees`, fewer trees than `tree_sizes` promises, a short array) is refused.
 */
import { InteropError } from './interop-error.js';

/** One parsed `Tree=N` block. */
export interface LightgbmTree {
  readonly index: number;
  readonly numLeaves: number;
  readonly splitFeature: number[];
  readonly threshold: number[];
  readonly decisionType: number[];
  readonly leftChild: number[];
  readonly rightChild: number[];
  readonly leafValue: number[];
  readonly catBoundaries: number[];
  readonly catThreshold: number[];
  readonly isLinear: boolean;
}

/** A parsed LightGBM text model. */
export interface LightgbmText {
  readonly header: ReadonlyMap<string, string>;
  readonly trees: readonly LightgbmTree[];
  /** Category lists of pandas `category` columns, in column order (null when trained without pandas). */
  readonly pandasCategorical: readonly (readonly (string | number)[])[] | null;
}

/** A malformed-model error for LightGBM text. */
export function lightgbmMalformed(what: string): InteropError {
  return new InteropError('malformed_model', `not a valid LightGBM text model: ${what}`, { field: 'lightgbm' }, 'Save the model with booster.save_model("model.txt") and pass that file unchanged.');
}

function num(s: string): number {
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan' || s === '-nan') return NaN;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw lightgbmMalformed(`"${s.slice(0, 40)}" is not a number`);
  return v;
}

function keyValue(line: string): [string, string] | undefined {
  const eq = line.indexOf('=');
  return eq > 0 ? [line.slice(0, eq).trim(), line.slice(eq + 1).trim()] : undefined;
}

/** Parse LightGBM model text. */
export function parseLightgbmText(text: string): LightgbmText {
  if (typeof text !== 'string' || !text.startsWith('tree')) throw lightgbmMalformed('it does not start with "tree"');
  const lines = text.split(/\r?\n/);
  const header = new Map<string, string>();
  let i = 1;
  for (; i < lines.length && !lines[i].startsWith('Tree='); i++) {
    if (lines[i].startsWith('end of trees')) break;
    const kv = keyValue(lines[i]);
    if (kv) header.set(kv[0], kv[1]);
  }
  if (!header.has('version') || !header.has('max_feature_idx') || !header.has('objective')) throw lightgbmMalformed('the header lacks version, max_feature_idx or objective');
  const trees: LightgbmTree[] = [];
  let ended = false;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith('end of trees')) {
      ended = true;
      break;
    }
    if (!line.startsWith('Tree=')) {
      i++;
      continue;
    }
    const block = new Map<string, string>();
    for (i++; i < lines.length && lines[i].trim() !== '' && !lines[i].startsWith('Tree=') && !lines[i].startsWith('end of trees'); i++) {
      const kv = keyValue(lines[i]);
      if (kv) block.set(kv[0], kv[1]);
    }
    trees.push(parseTree(trees.length, block));
  }
  if (!ended) throw lightgbmMalformed('"end of trees" is missing; the file is truncated');
  const sizes = header.get('tree_sizes');
  if (sizes !== undefined && sizes !== '' && sizes.split(' ').length !== trees.length) throw lightgbmMalformed(`the header promises ${sizes.split(' ').length} trees but ${trees.length} are present`);
  let pandasCategorical: LightgbmText['pandasCategorical'] = null;
  const pc = lines.find((l) => l.startsWith('pandas_categorical:'));
  if (pc) {
    let v: unknown;
    try {
      v = JSON.parse(pc.slice('pandas_categorical:'.length));
    } catch {
      throw lightgbmMalformed('pandas_categorical is not valid JSON; the file is truncated');
    }
    if (v !== null) {
      if (!Array.isArray(v) || !v.every((c) => Array.isArray(c) && c.every((x) => typeof x === 'string' || typeof x === 'number'))) throw lightgbmMalformed('pandas_categorical must be a list of category lists');
      pandasCategorical = v as (string | number)[][];
    }
  }
  return { header, trees, pandasCategorical };
}

function parseTree(index: number, block: Map<string, string>): LightgbmTree {
  const get = (key: string, length: number, required = true): number[] => {
    const s = block.get(key);
    if (s === undefined || s === '') {
      if (required && length > 0) throw lightgbmMalformed(`tree ${index} lacks ${key}`);
      return [];
    }
    const v = s.split(' ').map(num);
    if (length >= 0 && v.length !== length) throw lightgbmMalformed(`tree ${index} ${key} has ${v.length} values, expected ${length}`);
    return v;
  };
  const numLeaves = num(block.get('num_leaves') ?? '');
  if (!Number.isInteger(numLeaves) || numLeaves < 1) throw lightgbmMalformed(`tree ${index} has num_leaves ${numLeaves}`);
  const inner = numLeaves - 1;
  const numCat = Number(block.get('num_cat') ?? '0');
  return {
    index,
    numLeaves,
    splitFeature: get('split_feature', inner),
    threshold: get('threshold', inner),
    decisionType: get('decision_type', inner),
    leftChild: get('left_child', inner),
    rightChild: get('right_child', inner),
    leafValue: get('leaf_value', numLeaves),
    catBoundaries: numCat > 0 ? get('cat_boundaries', numCat + 1) : [],
    catThreshold: numCat > 0 ? get('cat_threshold', -1) : [],
    isLinear: block.get('is_linear') === '1',
  };
}
