/**
 * The worker thread behind capture attributions (`capture-attribution-thread.ts`): TreeSHAP of captured
 * rows runs here so a flush never holds up requests on the serving process's event loop. A model arrives
 * once (decoded trees with their training covers and the feature-to-input map) and is kept by key until
 * the main thread drops it; rows arrive as transferred column-major feature matrices (the main thread ran
 * the bundle's preprocessing) and go back as transferred `rows x outputs x inputs` attributions.
 */
import { parentPort } from 'node:worker_threads';
import { sumToSources } from '../../ml/explain/explain-rows.js';
import { treeShapModel } from '../../ml/explain/tree-covers.js';
import { treeShap } from '../../ml/explain/tree-shap.js';
import type { TreeShapModel } from '../../ml/explain/tree-shap.js';
import type { AttributionRequest, AttributionResponse } from './capture-attribution-protocol.js';

interface CachedModel {
  readonly model: TreeShapModel;
  readonly sourceOf: Int32Array;
  readonly columns: number;
}

const models = new Map<number, CachedModel>();
const port = parentPort;
if (!port) throw new Error('capture-attribution-worker runs as a worker thread');

port.on('message', (msg: AttributionRequest) => {
  if (msg.type === 'model') {
    models.set(msg.key, { model: treeShapModel(msg.arrays).model, sourceOf: msg.sourceOf, columns: msg.columns });
    return;
  }
  if (msg.type === 'drop') {
    models.delete(msg.key);
    return;
  }
  // Test hook: a worker that dies in the middle of a flush.
  if (msg.fault === 'exit') process.exit(3);
  if (msg.fault === 'throw') throw new Error('capture attribution worker fault (test)');
  let reply: AttributionResponse;
  try {
    const m = models.get(msg.key);
    if (!m) throw new Error(`model ${msg.key} was not sent to the attribution worker`);
    const shap = treeShap(m.model, msg.data, msg.rows);
    const values = sumToSources(shap, m.sourceOf, m.columns);
    reply = { id: msg.id, values, base: shap.base };
    port.postMessage(reply, [values.buffer as ArrayBuffer, shap.base.buffer as ArrayBuffer]);
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
  }
});
