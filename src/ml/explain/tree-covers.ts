/**
 * Covers for path-dependent TreeSHAP: the training rows that reached each node, as recorded in the
 * bundle by `kiln train` (`nodeCover` / `leafCover`). Bundles written before covers were recorded,
 * and imported models without them, get covers counted by routing a reference sample (the rows being
 * explained, or a background set) through every tree; the attributions are then exact Shapley values
 * of the tree model under that sample's path distribution rather than the training one.
 */
import { InputError } from '../../core/errors.js';
import type { GbdtModelArrays } from '../../runtime/gbdt/gbdt-model-state.js';
import type { TreeShapModel } from './tree-shap.js';
import { goesLeft } from './tree-shap.js';

/** Where a TreeShapModel's covers came from. */
export type CoverSource = 'training' | 'data';

/** The model with its recorded covers, or with covers counted from `data` (column-major, `rows` rows). */
export function treeShapModel(arrays: GbdtModelArrays, data?: Float64Array, rows?: number): { model: TreeShapModel; covers: CoverSource } {
  if (arrays.nodeCover && arrays.leafCover) return { model: { arrays, nodeCover: arrays.nodeCover, leafCover: arrays.leafCover }, covers: 'training' };
  if (!data || !rows) {
    throw new InputError('this GBDT bundle records no node covers and no reference rows were given to count them', { field: 'model.nodeCover' }, 'Re-train with this Kiln, or explain at least one row.');
  }
  return { model: coversFromData(arrays, data, rows), covers: 'data' };
}

/** Count, per node and leaf, how many of the rows reach it. */
export function coversFromData(arrays: GbdtModelArrays, data: Float64Array, rows: number): TreeShapModel {
  const F = arrays.numFeatures;
  const nodeCover = new Float64Array(arrays.nodeFeature.length);
  const leafCover = new Float64Array(arrays.leafValues.length);
  for (let t = 0; t < arrays.treeRoots.length; t++) {
    const root = arrays.treeRoots[t];
    for (let i = 0; i < rows; i++) {
      let c = root;
      while (c >= 0) {
        nodeCover[c] += 1;
        const x = F > 0 ? data[arrays.nodeFeature[c] * rows + i] : NaN;
        c = goesLeft(arrays, c, x) ? arrays.nodeLeft[c] : arrays.nodeRight[c];
      }
      leafCover[~c] += 1;
    }
  }
  return { arrays, nodeCover, leafCover };
}
