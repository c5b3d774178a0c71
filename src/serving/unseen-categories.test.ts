import { describe, expect, it } from 'vitest';
import { Frame } from '../core/frame.js';
import { columnFromValues } from '../core/frame-builder.js';
import type { Scorer } from '../runtime/scorer.js';
import { UnseenCategoryCounter } from './batch-predict.js';

// Only the signature is read by the counter.
const scorer = { signature: { inputs: [{ name: 'store', type: 'categorical', nullable: false, categories: ['1', '2', '3'] }] } } as unknown as Scorer;

describe('unseen categories at predict time', () => {
  it('counts a numeric-looking unseen category when the file reads the column as numbers', () => {
    const counter = new UnseenCategoryCounter(scorer);
    counter.add(new Frame([columnFromValues('store', [1, 2, 7, 7, null], 'numeric')]));
    expect(counter.counts).toEqual({ store: 2 });
    expect(counter.examples).toEqual({ store: '7' });
  });

  it('also as int64 and categorical columns; known values are not counted', () => {
    const counter = new UnseenCategoryCounter(scorer);
    counter.add(new Frame([columnFromValues('store', [1n, 3n, 9n], 'int64')]));
    counter.add(new Frame([columnFromValues('store', ['2', '4'], 'categorical')]));
    expect(counter.counts).toEqual({ store: 2 });
  });
});
