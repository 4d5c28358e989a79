import { expectClose, expectGradientsMatch, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';

/** The unfused reference: tfjs's log-softmax, then the target column. */
function referenceNll(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const [, vocabSize = 0] = logits.shape;
  return tf.neg(
    tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, vocabSize)), 1),
  ) as tf.Tensor1D;
}

const ROWS = 6;
const VOCAB = 9;

function fixtures() {
  const logits = tf.tidy(() =>
    tf.mul(tf.sin(tf.reshape(tf.range(0, ROWS * VOCAB), [ROWS, VOCAB])), 3),
  ) as tf.Tensor2D;
  const targets = tf.tensor1d([0, 8, 3, 3, 5, 1], 'int32');
  // A non-uniform upstream gradient, so dy is not folded away by a mean.
  const weights = tf.tensor1d([0.5, -1, 2, 0.25, 1, 3]);
  return { logits, targets, weights };
}

describe('sparseSoftmaxCrossEntropy', () => {
  it('equals −log softmax[target] from tfjs’s log-softmax', async () => {
    await expectNoLeaks(() => {
      const { logits, targets, weights } = fixtures();
      const ours = tf.tidy(() => Array.from(sparseSoftmaxCrossEntropy(logits, targets).dataSync()));
      const reference = tf.tidy(() => Array.from(referenceNll(logits, targets).dataSync()));
      expectClose(ours, reference, { rtol: 1e-6, atol: 1e-6 });
      tf.dispose([logits, targets, weights]);
    });
  });

  it('has the gradient of the reference, and of finite differences, under any upstream dy', async () => {
    await expectNoLeaks(() => {
      const { logits, targets, weights } = fixtures();
      const gradientOf = (nll: (x: tf.Tensor2D) => tf.Tensor1D) =>
        tf.tidy(() =>
          Array.from(
            tf
              .grad((x: tf.Tensor) => tf.sum(tf.mul(nll(x as tf.Tensor2D), weights)))(logits)
              .dataSync(),
          ),
        );
      expectClose(
        gradientOf((x) => sparseSoftmaxCrossEntropy(x, targets)),
        gradientOf((x) => referenceNll(x, targets)),
        { rtol: 1e-5, atol: 1e-6 },
      );
      expectGradientsMatch(
        (inputs) =>
          tf.sum(tf.mul(sparseSoftmaxCrossEntropy(inputs.logits as tf.Tensor2D, targets), weights)),
        { logits },
      );
      tf.dispose([logits, targets, weights]);
    });
  });
});
