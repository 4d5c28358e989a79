import { describe, expect, it } from 'vitest';
import { createTbpttBatches } from './tbptt-batches.js';

/** ids[i] = i, so every element says where in the corpus it came from. */
const positions = (length: number): Int32Array => Int32Array.from({ length }, (_, index) => index);

describe('createTbpttBatches', () => {
  // 23 tokens, 3 streams: L = 7 (tokens 21, 22 unused); streams 0–6, 7–13, 14–20;
  // windows of 2 steps: floor((7 − 1) / 2) = 3.
  const batches = createTbpttBatches(positions(23), { batchSize: 3, steps: 2 });

  it('computes the stream length and windows per epoch', () => {
    expect(batches).toMatchObject({ batchSize: 3, steps: 2, streamLength: 7, windowsPerEpoch: 3 });
  });

  it('lays out every window [batchSize, steps] row-major, targets shifted by one', () => {
    const expected = [
      { inputs: [0, 1, 7, 8, 14, 15], targets: [1, 2, 8, 9, 15, 16] },
      { inputs: [2, 3, 9, 10, 16, 17], targets: [3, 4, 10, 11, 17, 18] },
      { inputs: [4, 5, 11, 12, 18, 19], targets: [5, 6, 12, 13, 19, 20] },
    ];
    for (const [index, want] of expected.entries()) {
      const window = batches.window(index);
      expect(window.inputs).toBeInstanceOf(Int32Array);
      expect([...window.inputs]).toEqual(want.inputs);
      expect([...window.targets]).toEqual(want.targets);
    }
  });

  it('follows the Zaremba formula element by element on a larger corpus', () => {
    const ids = Int32Array.from({ length: 1000 }, (_, index) => (index * 7919) % 1009);
    const big = createTbpttBatches(ids, { batchSize: 7, steps: 11 });
    const length = Math.floor(1000 / 7);
    expect(big.windowsPerEpoch).toBe(Math.floor((length - 1) / 11));
    for (let index = 0; index < big.windowsPerEpoch; index += 1) {
      const { inputs, targets } = big.window(index);
      for (let stream = 0; stream < 7; stream += 1) {
        for (let step = 0; step < 11; step += 1) {
          const at = stream * length + index * 11 + step;
          expect(inputs[stream * 11 + step]).toBe(ids[at]);
          expect(targets[stream * 11 + step]).toBe(ids[at + 1]);
        }
      }
    }
  });

  it('continues window i in window i + 1 in every stream', () => {
    for (let index = 0; index + 1 < batches.windowsPerEpoch; index += 1) {
      const now = batches.window(index);
      const next = batches.window(index + 1);
      for (let stream = 0; stream < 3; stream += 1) {
        // The last target of a row is the first input of the same row in the next window.
        expect(next.inputs[stream * 2]).toBe(now.targets[stream * 2 + 1]);
      }
    }
  });

  it('gives 1,327 windows per epoch on PTB train (929,589 tokens) with 20 × 35', () => {
    const ptb = createTbpttBatches(new Int32Array(929_589), { batchSize: 20, steps: 35 });
    expect(ptb.streamLength).toBe(46_479);
    expect(ptb.windowsPerEpoch).toBe(1327);
    expect(ptb.windowsPerEpoch).toBe(Math.floor(929_589 / (20 * 35))); // papers.md §0.2
  });

  it('iterates every window in order and returns fresh arrays', () => {
    const all = [...batches.windows()];
    expect(all).toHaveLength(3);
    expect([...(all[2]?.inputs ?? [])]).toEqual([4, 5, 11, 12, 18, 19]);
    const first = batches.window(0);
    first.inputs[0] = 99;
    expect(batches.window(0).inputs[0]).toBe(0);
  });

  it('accepts the shortest corpus (batchSize × (steps + 1) tokens): one window', () => {
    const one = createTbpttBatches(positions(6), { batchSize: 2, steps: 2 });
    expect(one.windowsPerEpoch).toBe(1);
    expect([...one.window(0).targets]).toEqual([1, 2, 4, 5]);
  });

  it('never reads across a stream boundary: L = 6, steps 3 → 1 window, not 2', () => {
    // A second window would need target ids[6], the first token of stream 1.
    const edge = createTbpttBatches(positions(12), { batchSize: 2, steps: 3 });
    expect(edge.windowsPerEpoch).toBe(1);
    expect([...edge.window(0).targets]).toEqual([1, 2, 3, 7, 8, 9]);
    expect(() => edge.window(1)).toThrow(RangeError);
  });

  it('refuses a corpus too short for one window', () => {
    expect(() => createTbpttBatches(positions(5), { batchSize: 2, steps: 2 })).toThrow(
      'createTbpttBatches: 5 tokens are too few for one window of 2 × 2: each of the 2 streams needs 3 tokens (inputs and the shifted targets), so at least 6 tokens',
    );
    expect(() => createTbpttBatches(new Int32Array(0), { batchSize: 1, steps: 1 })).toThrow(
      RangeError,
    );
  });

  it('refuses bad sizes and window indices', () => {
    const ids = positions(100);
    expect(() => createTbpttBatches(ids, { batchSize: 0, steps: 2 })).toThrow(
      'createTbpttBatches: batchSize must be an integer ≥ 1, got 0',
    );
    expect(() => createTbpttBatches(ids, { batchSize: 2, steps: 1.5 })).toThrow(
      'createTbpttBatches: steps must be an integer ≥ 1, got 1.5',
    );
    expect(() => batches.window(3)).toThrow('createTbpttBatches: window 3 is outside [0, 3)');
    expect(() => batches.window(-1)).toThrow(RangeError);
  });
});
