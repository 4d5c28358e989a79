import { describe, expect, it } from 'vitest';
import { createEvaluationBatches } from './evaluation-batches.js';

const positions = (length: number): Int32Array => Int32Array.from({ length }, (_, index) => index);

describe('createEvaluationBatches', () => {
  it('predicts every token after the first with one stream, the last window shorter', () => {
    const batches = createEvaluationBatches(positions(10), { steps: 4 });
    expect(batches).toMatchObject({ batchSize: 1, streamLength: 10, windowCount: 3 });
    expect(batches.predictedTokens).toBe(9);
    const windows = [...batches.windows()];
    expect(windows.map((window) => window.steps)).toEqual([4, 4, 1]);
    expect(windows.flatMap((window) => [...window.inputs])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(windows.flatMap((window) => [...window.targets])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('uses the training layout for several streams, row-major per window', () => {
    // 2 streams of 7 (0–6, 7–13; token 14 unused), 3 steps: windows of 3, 3 and 0 → 2 windows.
    const batches = createEvaluationBatches(positions(15), { batchSize: 2, steps: 3 });
    expect(batches.windowCount).toBe(2);
    expect(batches.predictedTokens).toBe(12);
    expect([...batches.window(1).inputs]).toEqual([3, 4, 5, 10, 11, 12]);
    expect([...batches.window(1).targets]).toEqual([4, 5, 6, 11, 12, 13]);
    const short = createEvaluationBatches(positions(15), { batchSize: 2, steps: 4 });
    expect(short.window(1)).toMatchObject({ steps: 2 });
    expect([...short.window(1).inputs]).toEqual([4, 5, 11, 12]);
    expect([...short.window(1).targets]).toEqual([5, 6, 12, 13]);
  });

  it('counts the targets of all windows as predictedTokens', () => {
    const batches = createEvaluationBatches(positions(73_760), { batchSize: 10, steps: 35 });
    let targets = 0;
    for (const window of batches.windows()) targets += window.targets.length;
    expect(targets).toBe(batches.predictedTokens);
    expect(batches.predictedTokens).toBe(10 * (7376 - 1));
  });

  it('refuses too few tokens, bad sizes and indices', () => {
    expect(() => createEvaluationBatches(positions(3), { batchSize: 2, steps: 5 })).toThrow(
      'createEvaluationBatches: 3 tokens are too few for 2 stream(s): each needs at least 2 tokens (one input, one target)',
    );
    expect(() => createEvaluationBatches(positions(9), { steps: 0 })).toThrow(
      'createEvaluationBatches: steps must be an integer ≥ 1, got 0',
    );
    const batches = createEvaluationBatches(positions(9), { steps: 4 });
    expect(() => batches.window(2)).toThrow('createEvaluationBatches: window 2 is outside [0, 2)');
  });
});
