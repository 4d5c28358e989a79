import { describe, expect, it } from 'vitest';
import { syntheticTokens, syntheticTrainingWindows } from './synthetic-tokens.js';
import { TINY_SHAPE } from './tiny-shape.js';

describe('synthetic tokens', () => {
  it('are in range and the same for the same seed', () => {
    const tokens = syntheticTokens(1000, 7, 3);
    expect(tokens.every((id) => id >= 0 && id < 7)).toBe(true);
    expect(syntheticTokens(1000, 7, 3)).toEqual(tokens);
    expect(syntheticTokens(1000, 7, 4)).not.toEqual(tokens);
  });

  it('make windows whose targets are the inputs shifted by one', () => {
    const windows = syntheticTrainingWindows(TINY_SHAPE, 2);
    const { inputs, targets } = windows.window(1);
    const { steps, batchSize } = TINY_SHAPE;
    expect(inputs).toHaveLength(batchSize * steps);
    for (let b = 0; b < batchSize; b += 1) {
      expect(inputs.subarray(b * steps + 1, (b + 1) * steps)).toEqual(
        targets.subarray(b * steps, (b + 1) * steps - 1),
      );
    }
    expect(windows.window(3)).toEqual(windows.window(1));
  });
});
