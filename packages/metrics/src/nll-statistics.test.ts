import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createNllAccumulator } from './nll-accumulator.js';
import { nllStatistics } from './nll-statistics.js';

describe('nllStatistics', () => {
  it('reads the summed NLL, count and top-1 hits of a batch, leaving no tensors', async () => {
    const logits = tf.tensor3d([
      [
        [0, 0, 0, 0],
        [0, Math.log(2), Math.log(3), Math.log(4)],
      ],
    ]);
    const targets = tf.tensor2d([[0, 2]], [1, 2], 'int32');
    await expectNoLeaks(async () => {
      const statistics = await nllStatistics(logits, targets);
      expect(statistics.count).toBe(2);
      expect(statistics.correct).toBe(1); // uniform row → id 0 is the arg-max; the other → 3
      expect(statistics.sumNll).toBeCloseTo(Math.log(4) - Math.log(0.3), 5);
      const accumulator = createNllAccumulator();
      accumulator.add(statistics.sumNll, statistics.count);
      expect(accumulator.perplexity()).toBeCloseTo(Math.sqrt(4 / 0.3), 4);
    });
    await expect(nllStatistics(logits, tf.tensor1d([0], 'int32'))).rejects.toThrow(
      'nllStatistics: targets [1] must be scores [1, 2, 4] without the last axis',
    );
    tf.dispose([logits, targets]);
  });
});
