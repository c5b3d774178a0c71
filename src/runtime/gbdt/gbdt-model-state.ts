/**
 * The serialized GBDT model (ModelState kind `gbdt`): every tree of the ensemble in flat typed arrays
 * with absolute node indices. A child index >= 0 is a node, a negative one is `~leaf`. Numeric nodes
 * send x <= threshold left (thresholds are raw feature values, so scoring needs no binning); NaN
 * follows the default direction. Categorical nodes send codes whose bit is set in the node's bitset
 * left; NaN and codes outside 0..k-1 follow the default direction. Tree t adds to output t % outputs.
 */
import { InputError } from '../../core/errors.js';
import type { EncodedArray, ModelState } from '../bundle-types.js';
import { decodeArray, decodeF64, decodeI32 } from '../encoded-array.js';
import type { Link } from '../predictor.js';

/** The JSON shape of a GBDT model state. */
export interface GbdtModelState extends ModelState {
  readonly kind: 'gbdt';
  readonly formatVersion: 1;
  readonly objective: string;
  readonly link: Link;
  readonly numFeatures: number;
  readonly outputs: number;
  readonly featureNames: readonly string[];
  /** Trees kept (iterations x outputs). */
  readonly numTrees: number;
  readonly categoryCounts: EncodedArray;
  readonly baseScores: EncodedArray;
  readonly treeRoots: EncodedArray;
  readonly nodeFeature: EncodedArray;
  readonly nodeThreshold: EncodedArray;
  readonly nodeLeft: EncodedArray;
  readonly nodeRight: EncodedArray;
  readonly nodeDefaultLeft: EncodedArray;
  /** -1 for numeric nodes, else the index into `catOffsets`. */
  readonly nodeCatIndex: EncodedArray;
  readonly catOffsets: EncodedArray;
  readonly catWords: EncodedArray;
  readonly leafValues: EncodedArray;
  /** Optional (f64): training rows per node / per leaf, the covers TreeSHAP weighs paths by. */
  readonly nodeCover?: EncodedArray;
  readonly leafCover?: EncodedArray;
}

/** Decoded GBDT model arrays. */
export interface GbdtModelArrays {
  readonly objective: string;
  readonly link: Link;
  readonly numFeatures: number;
  readonly outputs: number;
  readonly featureNames: readonly string[];
  readonly categoryCounts: Int32Array;
  readonly baseScores: Float64Array;
  readonly treeRoots: Int32Array;
  readonly nodeFeature: Int32Array;
  readonly nodeThreshold: Float64Array;
  readonly nodeLeft: Int32Array;
  readonly nodeRight: Int32Array;
  readonly nodeDefaultLeft: Uint8Array;
  readonly nodeCatIndex: Int32Array;
  readonly catOffsets: Int32Array;
  readonly catWords: Int32Array;
  readonly leafValues: Float64Array;
  /** Training covers when the bundle has them (bundles from before they were recorded do not). */
  readonly nodeCover?: Float64Array;
  readonly leafCover?: Float64Array;
}

/** Decode and check a GBDT model state; throws InputError naming the bad field. */
export function decodeGbdtModelState(state: ModelState): GbdtModelArrays {
  const s = state as Partial<GbdtModelState>;
  if (s.kind !== 'gbdt') throw new InputError(`model state kind is ${String(s.kind)}, expected gbdt`, { field: 'model.kind' });
  if (s.formatVersion !== 1) throw new InputError(`unsupported gbdt model formatVersion ${String(s.formatVersion)}; this runtime reads version 1`, { field: 'model.formatVersion' }, 'upgrade kiln to load this model');
  const link = s.link;
  if (link !== 'identity' && link !== 'sigmoid' && link !== 'softmax') throw new InputError(`gbdt model has unknown link ${String(link)}`, { field: 'model.link' });
  const numFeatures = s.numFeatures;
  const outputs = s.outputs;
  if (!Number.isInteger(numFeatures) || (numFeatures as number) < 0) throw new InputError('gbdt model numFeatures must be a non-negative integer', { field: 'model.numFeatures' });
  if (!Number.isInteger(outputs) || (outputs as number) < 1) throw new InputError('gbdt model outputs must be a positive integer', { field: 'model.outputs' });
  const field = <T>(name: keyof GbdtModelState, decode: (e: EncodedArray) => T): T => {
    const enc = s[name] as EncodedArray | undefined;
    if (!enc) throw new InputError(`gbdt model state is missing ${String(name)}`, { field: `model.${String(name)}` });
    try {
      return decode(enc);
    } catch (err) {
      throw new InputError(`gbdt model field ${String(name)} is malformed: ${(err as Error).message}`, { field: `model.${String(name)}` }, undefined, { cause: err });
    }
  };
  const m: GbdtModelArrays = {
    objective: String(s.objective),
    link,
    numFeatures: numFeatures as number,
    outputs: outputs as number,
    featureNames: Array.isArray(s.featureNames) ? s.featureNames.map(String) : [],
    categoryCounts: field('categoryCounts', decodeI32),
    baseScores: field('baseScores', decodeF64),
    treeRoots: field('treeRoots', decodeI32),
    nodeFeature: field('nodeFeature', decodeI32),
    nodeThreshold: field('nodeThreshold', decodeF64),
    nodeLeft: field('nodeLeft', decodeI32),
    nodeRight: field('nodeRight', decodeI32),
    nodeDefaultLeft: field('nodeDefaultLeft', (e) => decodeArray(e, 'u8') as Uint8Array),
    nodeCatIndex: field('nodeCatIndex', decodeI32),
    catOffsets: field('catOffsets', decodeI32),
    catWords: field('catWords', decodeI32),
    leafValues: field('leafValues', decodeF64),
    ...(s.nodeCover !== undefined && s.leafCover !== undefined ? { nodeCover: field('nodeCover', decodeF64), leafCover: field('leafCover', decodeF64) } : {}),
  };
  checkArrays(m);
  return m;
}

/** Structural checks so a corrupt model fails at load time, not with an out-of-bounds read at scoring. */
function checkArrays(m: GbdtModelArrays): void {
  const nn = m.nodeFeature.length;
  const nl = m.leafValues.length;
  const bad = (what: string): never => {
    throw new InputError(`gbdt model is inconsistent: ${what}`, { field: 'model' });
  };
  if (m.baseScores.length !== m.outputs) bad(`baseScores has ${m.baseScores.length} values for ${m.outputs} outputs`);
  if (m.categoryCounts.length !== m.numFeatures) bad('categoryCounts length differs from numFeatures');
  for (const [name, arr] of [['nodeThreshold', m.nodeThreshold], ['nodeLeft', m.nodeLeft], ['nodeRight', m.nodeRight], ['nodeDefaultLeft', m.nodeDefaultLeft], ['nodeCatIndex', m.nodeCatIndex]] as const) {
    if (arr.length !== nn) bad(`${name} has ${arr.length} entries for ${nn} nodes`);
  }
  if (m.nodeCover && m.nodeCover.length !== nn) bad(`nodeCover has ${m.nodeCover.length} entries for ${nn} nodes`);
  if (m.leafCover && m.leafCover.length !== nl) bad(`leafCover has ${m.leafCover.length} entries for ${nl} leaves`);
  const child = (c: number): void => {
    if (c >= nn || ~c >= nl) bad(`child index ${c} out of range`);
  };
  for (let i = 0; i < m.treeRoots.length; i++) child(m.treeRoots[i]);
  const ncat = m.catOffsets.length - 1;
  for (let i = 0; i < nn; i++) {
    const f = m.nodeFeature[i];
    if (f < 0 || f >= m.numFeatures) bad(`node ${i} uses feature ${f}`);
    // Children must point forward so traversal always terminates.
    if (m.nodeLeft[i] >= 0 && m.nodeLeft[i] <= i) bad(`node ${i} has a backward child`);
    if (m.nodeRight[i] >= 0 && m.nodeRight[i] <= i) bad(`node ${i} has a backward child`);
    child(m.nodeLeft[i]);
    child(m.nodeRight[i]);
    const c = m.nodeCatIndex[i];
    if (c >= 0) {
      if (c >= ncat) bad(`node ${i} has categorical index ${c} of ${ncat}`);
      const words = m.catOffsets[c + 1] - m.catOffsets[c];
      if (words * 32 < m.categoryCounts[f] || m.catOffsets[c + 1] > m.catWords.length) bad(`node ${i} has a short category bitset`);
    }
  }
}
