import {
  expectClose,
  expectGradientsMatch,
  expectNoLeaks,
  TOLERANCES,
  type Tolerance,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';
import { meanNll, sumNll, tokenNll } from './nll.js';
import { bitsPerCharacter, perplexity } from './perplexity.js';

// Two row kinds: uniform (p = 1/4 each) and B with p = [.1, .2, .3, .4].
const UNIFORM = [0, 0, 0, 0];
const B = [1, 2, 3, 4].map(Math.log);
// [batchSize 2, steps 3, vocabSize 4] and the targets at each position.
const LOGITS = [
  [UNIFORM, B, B],
  [B, UNIFORM, B],
];
const TARGETS = [
  [2, 3, 0],
  [1, 0, 2],
];
// −log p by hand: ln 4, −ln .4, −ln .1 / −ln .2, ln 4, −ln .3.
const EXPECTED_NLL = [
  [Math.log(4), -Math.log(0.4), -Math.log(0.1)],
  [-Math.log(0.2), Math.log(4), -Math.log(0.3)],
];
const EXPECTED_SUM = EXPECTED_NLL.flat().reduce((a, b) => a + b, 0); // 8.804875…
const EXPECTED_MEAN = EXPECTED_SUM / 6;

function withBatch(fn: (logits: tf.Tensor, targets: tf.Tensor) => void): void {
  const logits = tf.tensor3d(LOGITS);
  const targets = tf.tensor2d(TARGETS, [2, 3], 'int32');
  try {
    fn(logits, targets);
  } finally {
    logits.dispose();
    targets.dispose();
  }
}

/** Runs `make`, checks its value, disposes it: inside expectNoLeaks, nothing may remain. */
function check(
  make: () => tf.Tensor,
  expected: number | number[][],
  tolerance: Tolerance = TOLERANCES.float32,
) {
  const result = make();
  try {
    expectClose(result, typeof expected === 'number' ? expected : expected.flat(), tolerance);
  } finally {
    result.dispose();
  }
}

describe('NLL, perplexity, bits per character, accuracy on [batchSize, steps, vocabSize] logits', () => {
  it('match hand-computed values without leaking', async () => {
    await expectNoLeaks(() =>
      withBatch((logits, targets) => {
        const nll = tokenNll(logits, targets);
        expect(nll.shape).toEqual([2, 3]);
        nll.dispose();
        check(() => tokenNll(logits, targets), EXPECTED_NLL);
        check(() => sumNll(logits, targets), EXPECTED_SUM);
        check(() => meanNll(logits, targets), EXPECTED_MEAN);
        check(() => perplexity(logits, targets), Math.exp(EXPECTED_MEAN)); // 4.3383
        check(() => bitsPerCharacter(logits, targets), EXPECTED_MEAN / Math.LN2); // 2.1171
        // arg-max: uniform → id 0 (lowest), B → id 3: right at (0,1) and (1,1).
        check(() => accuracy(logits, targets), 2 / 6);
      }),
    );
  });

  it('do not depend on a constant shift of the logits, and do not overflow', async () => {
    await expectNoLeaks(() => {
      const shifted = tf.tensor3d(LOGITS.map((row) => row.map((v) => v.map((x) => x + 80))));
      const targets = tf.tensor2d(TARGETS, [2, 3], 'int32');
      check(() => tokenNll(shifted, targets), EXPECTED_NLL, TOLERANCES.reference);
      const huge = tf.tensor2d([
        [1e4, 1e4],
        [-1e4, 0],
      ]);
      const ids = tf.tensor1d([0, 0], 'int32');
      // exp(1e4) overflows float32 and exp(−1e4) underflows: a naive softmax gives NaN / ∞.
      check(() => tokenNll(huge, ids), [[Math.LN2, 1e4]]);
      tf.dispose([shifted, targets, huge, ids]);
    });
  });
});

describe('[N, vocabSize] log-probabilities', () => {
  const logProbabilities = (): tf.Tensor2D =>
    tf.tidy(() =>
      tf.log(
        tf.tensor2d([
          [0.5, 0.25, 0.25],
          [0.1, 0.6, 0.3],
        ]),
      ),
    );

  it('are used as they are with from: logProbabilities, and the default gives the same', async () => {
    await expectNoLeaks(() => {
      const scores = logProbabilities();
      const targets = tf.tensor1d([1, 1], 'int32');
      const expected = [[Math.log(4), -Math.log(0.6)]];
      check(() => tokenNll(scores, targets, { from: 'logProbabilities' }), expected);
      check(() => tokenNll(scores, targets), expected); // log-softmax leaves them unchanged
      tf.dispose([scores, targets]);
    });
  });
});

describe('input checks', () => {
  it('name the function, the shapes and the bad ids', () => {
    withBatch((logits, targets) => {
      const floats = tf.tensor2d(TARGETS, [2, 3], 'float32');
      const wrongShape = tf.tensor1d([0, 1, 2], 'int32');
      const tooBig = tf.tensor2d(
        [
          [0, 1, 4],
          [0, 0, 0],
        ],
        [2, 3],
        'int32',
      );
      const negative = tf.tensor2d(
        [
          [0, -1, 0],
          [0, 0, 0],
        ],
        [2, 3],
        'int32',
      );
      expect(() => tokenNll(logits, floats)).toThrow(
        'tokenNll: targets must be int32 token ids, got float32',
      );
      expect(() => tokenNll(logits, wrongShape)).toThrow(
        'tokenNll: targets [3] must be scores [2, 3, 4] without the last axis',
      );
      expect(() => tokenNll(logits, tooBig)).toThrow(
        'tokenNll: target ids must be in [0, 4), found 0 … 4',
      );
      expect(() => accuracy(logits, negative)).toThrow(
        'accuracy: target ids must be in [0, 4), found -1 … 0',
      );
      const unchecked = tokenNll(logits, targets, { checkTargets: false });
      unchecked.dispose();
      tf.dispose([floats, wrongShape, tooBig, negative]);
    });
    const empty = tf.zeros([0, 4]);
    const none = tf.zeros([0], 'int32');
    expect(() => meanNll(empty, none)).toThrow('meanNll: no targets');
    expect(() => perplexity(empty, none)).toThrow('perplexity: no targets');
    tf.dispose([empty, none]);
  });
});

describe('gradient', () => {
  it('of the mean NLL is (softmax − one-hot) / N, by finite differences and by hand', () => {
    const targets = tf.tensor1d([2, 0], 'int32');
    const logits = tf.tensor2d([
      [0.3, -1.2, 0.8],
      [1.5, 0.1, -0.4],
    ]);
    expectGradientsMatch((inputs) => meanNll(inputs.logits as tf.Tensor, targets), { logits });
    const gradient = tf.grad((x: tf.Tensor) => meanNll(x, targets))(logits);
    const expected = tf.tidy(() =>
      tf.div(tf.sub(tf.softmax(logits), tf.oneHot(targets, 3)), tf.scalar(2)),
    );
    expectClose(gradient, expected, TOLERANCES.float32);
    tf.dispose([targets, logits, gradient, expected]);
  });
});
