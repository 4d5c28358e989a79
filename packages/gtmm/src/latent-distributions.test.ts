import { createKey, randomNormal } from '@bayesrnn/core';
import { expectClose, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  bernoulliNll,
  gaussianFromOutput,
  gaussianKl,
  reparameterise,
  SIGMA_FLOOR,
} from './latent-distributions.js';

const gaussian = (mean: number[][], stddev: number[][]) => ({
  mean: tf.tensor2d(mean),
  stddev: tf.tensor2d(stddev),
});

describe('gaussianKl', () => {
  it('is the closed form, summed over dimensions (hand-computed)', () => {
    tf.tidy(() => {
      // KL[N(1, 0.5²) ‖ N(0, 1)] = log 2 + (0.25 + 1)/2 − 1/2; identical Gaussians give 0.
      const kl = gaussianKl(gaussian([[1, 3]], [[0.5, 2]]), gaussian([[0, 3]], [[1, 2]]));
      expectClose(kl, [Math.LN2 + 0.625 - 0.5], TOLERANCES.reference, 'kl');
    });
  });

  it('agrees with a Monte-Carlo estimate E_q[log q − log p] over 200,000 draws', () => {
    tf.tidy(() => {
      const q = gaussian([[0.3, -1]], [[0.7, 1.5]]);
      const p = gaussian([[-0.2, 0.5]], [[1.2, 0.9]]);
      const draws = 200_000;
      const noise = randomNormal(createKey(11), [draws, 2]);
      const z = tf.add(q.mean, tf.mul(q.stddev, noise));
      const logDensity = (g: typeof q) =>
        tf.sum(
          tf.neg(
            tf.add(
              tf.log(g.stddev),
              tf.div(tf.square(tf.sub(z, g.mean)), tf.mul(2, tf.square(g.stddev))),
            ),
          ),
          1,
        );
      const estimate = tf.mean(tf.sub(logDensity(q), logDensity(p))).dataSync()[0] ?? Number.NaN;
      const exact = gaussianKl(q, p).dataSync()[0] ?? Number.NaN;
      // The estimator's standard deviation here is about 1.3 nats: 1.3 / √200,000 ≈ 0.003; 5σ.
      expect(Math.abs(estimate - exact)).toBeLessThan(0.015);
    });
  });
});

describe('bernoulliNll', () => {
  it('is −Σ x log σ(ℓ) + (1 − x) log(1 − σ(ℓ)), and finite for saturated logits', () => {
    tf.tidy(() => {
      const logits = [0.3, -2, 4, 0];
      const frame = [1, 0, 0, 1];
      const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
      const expected = -logits.reduce((sum, l, i) => {
        const x = frame[i] ?? 0;
        return sum + x * Math.log(sigmoid(l)) + (1 - x) * Math.log(1 - sigmoid(l));
      }, 0);
      expectClose(
        bernoulliNll(tf.tensor2d([logits]), tf.tensor2d([frame])),
        [expected],
        TOLERANCES.reference,
      );
      // ℓ = ±60 on the right pixel costs ~e⁻⁶⁰; on the wrong one, 60 nats (no log(0)).
      const saturated = bernoulliNll(tf.tensor2d([[60, -60]]), tf.tensor2d([[0, 0]]));
      expectClose(saturated, [60], TOLERANCES.reference, 'saturated');
    });
  });
});

describe('gaussianFromOutput and reparameterise', () => {
  it('split mean and softplus(·) + floor, and draw μ + σ ε', () => {
    tf.tidy(() => {
      const g = gaussianFromOutput(tf.tensor2d([[1, -2, 0, -100]]));
      expectClose(g.mean, [1, -2], TOLERANCES.float32, 'mean');
      expectClose(g.stddev, [Math.LN2 + SIGMA_FLOOR, SIGMA_FLOOR], TOLERANCES.reference, 'stddev');
      expectClose(
        reparameterise(g, tf.tensor2d([[2, 5]])),
        [1 + 2 * (Math.LN2 + SIGMA_FLOOR), -2 + 5 * SIGMA_FLOOR],
        TOLERANCES.reference,
      );
    });
  });

  it('leave no tensors behind', async () => {
    const output = tf.ones([3, 4]) as tf.Tensor2D;
    await expectNoLeaks(() => {
      const g = gaussianFromOutput(output);
      tf.dispose([g.mean, g.stddev, gaussianKl(g, g), bernoulliNll(output, output)]);
    }, 'latent distributions');
    output.dispose();
  });
});
