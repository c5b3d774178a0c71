/**
 * Capture and feedback with the in-process SDK. Run from the repository root:
 *
 *   KILN_HOME=/tmp/kiln-capture-example npx tsx examples/capture-feedback.ts
 *
 * It plays the inference server: offers prediction records for endpoint `churn` to a capture buffer
 * (half of the predictions sampled, the `email` input hashed before anything is written), closes the
 * buffer (a graceful shutdown: nothing buffered is lost), records late ground truth for some of the
 * predictions (one id is unknown and reported), and joins captured rows with their labels, as a
 * monitor would. Then try `kiln endpoints capture churn --out churn.csv` style exports via the SDK.
 */
import { openKiln } from '../src/index.js';

const kiln = await openKiln();
try {
  const buffer = await kiln.capture.createBuffer({
    settings: (_project, endpoint) => (endpoint === 'churn' ? { sampleRate: 0.5, masking: { version: 1, rules: [{ column: 'email', action: 'hash' }] } } : undefined),
    flushIntervalMs: 1000,
    seed: 7,
  });
  const start = Date.parse('2026-03-01T12:00:00Z');
  const ids: string[] = [];
  for (let r = 0; r < 10; r++) {
    const predictionIds = Array.from({ length: 4 }, (_, i) => `example-${r}-${i}`);
    ids.push(...predictionIds);
    buffer.offer({
      project: 'default',
      endpoint: 'churn',
      variant: 'main',
      modelVersion: 'churn@1',
      predictionIds,
      inputs: { tenure: [1, 12, 30, 48], plan: ['basic', 'gold', 'gold', 'basic'], email: predictionIds.map((id) => `${id}@example.com`) },
      predictions: ['yes', 'no', 'no', 'yes'],
      probabilities: [[0.3, 0.7], [0.8, 0.2], [0.9, 0.1], [0.4, 0.6]],
      labels: ['no', 'yes'],
      latencyMs: 1.2,
      receivedAt: start + r * 60_000,
    });
  }
  await buffer.close();
  console.log('capture counters:', buffer.counters());

  const captured = await kiln.capture.readCapture({ endpoint: 'churn', from: '2026-03-01T12:00:00Z', to: '2026-03-01T13:00:00Z' });
  console.log(`captured ${captured.rowCount} of ${ids.length} predictions; columns: ${captured.names.join(', ')}`);

  const feedback = ids.slice(0, 20).map((predictionId, i) => ({ predictionId, label: i % 3 === 0 ? 'yes' : 'no' }));
  const result = await kiln.feedback.record('churn', [...feedback, { predictionId: 'never-returned', label: 'no' }], { actor: 'example' });
  console.log('feedback:', result);

  const joined = await kiln.feedback.joinFeedback({ endpoint: 'churn' });
  const label = joined.column('label');
  let labelled = 0;
  for (let i = 0; i < joined.rowCount; i++) if (label.type === 'text' && label.values[i] !== null) labelled++;
  console.log(`joined ${joined.rowCount} captured rows, ${labelled} with a label`);
} finally {
  await kiln.close();
}
