import { createKey, randomNormal, randomUniform, selectBackend } from '@bayesrnn/core';
import * as testing from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROPOUT_CASES } from './__fixtures__/cell-suite.js';
import { loadCellFixture, releaseCell } from './__fixtures__/harness.js';
import fixture from './__fixtures__/lstm.json' with { type: 'json' };
import { expectWindowMatchesSteps } from './__fixtures__/window-checks.js';
import { createLstmCell, type LstmState } from './lstm-cell.js';
import { lstmGates } from './lstm-gates.js';
import { lstmRecurrence } from './lstm-recurrence.js';
import {
  type RecurrentInput,
  tiedRecurrentInput,
  untiedRecurrentInput,
} from './recurrent-input.js';

const [B, T, H, GATES] = [3, 5, 7, 4];

/** The windows' loop as it ran before `lstmRecurrence`: differentiated op by op. */
function referenceLoop(
  projected: tf.Tensor,
  kernel: tf.Tensor,
  state: LstmState,
  input: RecurrentInput,
) {
  let current = state;
  const outputs: tf.Tensor2D[] = [];
  for (const projection of tf.unstack(projected, input.stepAxis)) {
    current = lstmGates(
      tf.add(tf.matMul(input.apply(current.h, input.mask), kernel), projection),
      current.c,
    );
    outputs.push(current.h);
  }
  return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: current };
}

type Recurrence = typeof referenceLoop;

/** Dropout masks with a keep rate of 0.7, scaled by 1 / 0.7. */
function dropoutMask(seed: number, shape: number[]): tf.Tensor {
  return tf.tidy(() =>
    tf.div(tf.cast(tf.greater(randomUniform(createKey(seed), shape), 0.3), 'float32'), 0.7),
  );
}

const LAYOUTS = [
  { name: 'tied, no mask', untied: false, maskShape: undefined },
  { name: 'tied mask', untied: false, maskShape: [B, H] },
  { name: 'untied, no mask', untied: true, maskShape: undefined },
  { name: 'untied, one shared mask', untied: true, maskShape: [B, H] },
  { name: 'untied masks, one per gate', untied: true, maskShape: [GATES, B, H] },
];

/** Random P, W_h, h_0, c_0 of a layout, its input, and loss weights on outputs, h_T, c_T. */
function problem(seed: number, layout: (typeof LAYOUTS)[number]) {
  const at = (i: number, shape: number[], stddev = 1) =>
    randomNormal(createKey(seed * 10 + i), shape, { stddev });
  const mask = layout.maskShape && dropoutMask(seed, layout.maskShape);
  const [pShape, kShape] = layout.untied
    ? [
        [GATES, B, T, H],
        [GATES, H, H],
      ]
    : [
        [B, T, GATES * H],
        [H, GATES * H],
      ];
  return {
    args: [at(0, pShape, 2), at(1, kShape, 0.5), at(2, [B, H]), at(3, [B, H])],
    weights: [at(4, [B, T, H]), at(5, [B, H]), at(6, [B, H])],
    input: layout.untied ? untiedRecurrentInput(mask, GATES) : tiedRecurrentInput(mask),
    dispose() {
      tf.dispose([...this.args, ...this.weights, ...(mask ? [mask] : [])]);
    },
  };
}

/** Values and the gradients of Σ R ⊙ outputs + Σ a ⊙ h_T + Σ b ⊙ c_T in P, W_h, h_0, c_0. */
function evaluate(run: Recurrence, p: ReturnType<typeof problem>) {
  const [r, a, b] = p.weights as [tf.Tensor, tf.Tensor, tf.Tensor];
  const forward = (...xs: tf.Tensor[]) => {
    const [projected, kernel, h, c] = xs as [tf.Tensor, tf.Tensor, tf.Tensor2D, tf.Tensor2D];
    return run(projected, kernel, { h, c }, p.input);
  };
  return tf.tidy(() => {
    const result = forward(...p.args);
    const loss = (...xs: tf.Tensor[]) => {
      const { outputs, state } = forward(...xs);
      const terms = [tf.mul(outputs, r), tf.mul(state.h, a), tf.mul(state.c, b)];
      return tf.addN(terms.map((t) => tf.sum(t))) as tf.Scalar;
    };
    const grads = tf.grads(loss)(p.args);
    return [result.outputs, result.state.h, result.state.c, ...grads].map((t) => t.dataSync());
  });
}

const fused: Recurrence = (...args) => {
  const result = lstmRecurrence(...args);
  if (result === undefined) throw new Error('lstmRecurrence did not run');
  return result;
};

describe('lstmRecurrence: BPTT written out, W_h’s gradient in one matmul (wasm)', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  LAYOUTS.forEach((layout, seed) => {
    it(`${layout.name}: the loop's values bit for bit, its gradients to rounding`, () => {
      const before = tf.memory().numTensors;
      const p = problem(seed + 1, layout);
      const ours = evaluate(fused, p);
      const reference = evaluate(referenceLoop, p);
      ours.slice(0, 3).forEach((values, k) => {
        expect(Array.from(values)).toEqual(Array.from(reference[k] ?? []));
      });
      ours.slice(3).forEach((values, k) => {
        const expected = reference[3 + k] ?? new Float32Array();
        const scale = Math.max(...Array.from(expected, Math.abs));
        const worst = Math.max(...Array.from(values, (v, i) => Math.abs(v - (expected[i] ?? 0))));
        expect(worst / scale).toBeLessThan(1e-5);
      });
      p.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  for (const layout of [LAYOUTS[1], LAYOUTS[4]]) {
    it(`${layout?.name}: T + 1 matmuls backward (T for dh, one for dW_h), no per-step Add; leaks nothing`, async () => {
      if (layout === undefined) return;
      const p = problem(3, layout);
      const [projected, kernel, h, c] = p.args as [tf.Tensor, tf.Tensor, tf.Tensor2D, tf.Tensor2D];
      const loss = (k: tf.Tensor) =>
        tf.sum(fused(projected, k, { h, c }, p.input).outputs) as tf.Scalar;
      const profile = await tf.profile(() => tf.grad(loss)(kernel));
      const matmuls = profile.kernels.filter((k) => k.name === 'BatchMatMul').length;
      expect(matmuls).toBe(T + (T + 1));
      // P_t and each step's dh are read in place: no Add, and the only unstacks are those of
      // the saved cell states and activations, once per window.
      const names = profile.kernels.map((k) => k.name);
      expect(names.filter((name) => name === 'Add')).toEqual([]);
      expect(names.filter((name) => name === 'Unpack')).toHaveLength(2);
      expect(names.filter((name) => name === 'BayesrnnLstmCellGradSum')).toHaveLength(T);
      tf.dispose(profile.result as tf.Tensor);
      await testing.expectNoLeaks(() => {
        tf.dispose(tf.grad(loss)(kernel));
      });
      p.dispose();
    });
  }

  it('keeps its own handle on the mask: a window disposed before the gradient runs', () => {
    for (const layout of [LAYOUTS[1], LAYOUTS[4]] as (typeof LAYOUTS)[number][]) {
      const before = tf.memory().numTensors;
      const p = problem(6, layout);
      const [projected, kernel, h, c] = p.args as [tf.Tensor, tf.Tensor, tf.Tensor2D, tf.Tensor2D];
      // As a language model does: the window's masks are made and freed inside the loss.
      const lossOf = (run: Recurrence) => (k: tf.Tensor) => {
        const mask = dropoutMask(7, layout.maskShape ?? []);
        const input = layout.untied ? untiedRecurrentInput(mask, GATES) : tiedRecurrentInput(mask);
        const loss = tf.sum(run(projected, k, { h, c }, input).outputs) as tf.Scalar;
        mask.dispose();
        return loss;
      };
      const [ours, reference] = [fused, referenceLoop].map((run) =>
        tf.tidy(() => tf.grad(lossOf(run))(kernel).dataSync()),
      );
      expect(
        Array.from(ours ?? [], (v, i) => Math.abs(v - (reference?.[i] ?? 0)) < 1e-4),
      ).not.toContain(false);
      p.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('the LSTM cell’s runWindow on wasm matches stepping (fixture, dropout cases)', async () => {
    for (const { dropout } of DROPOUT_CASES) {
      const cell = createLstmCell({ ...fixture.sizes, ...(dropout ? { dropout } : {}) });
      const f = loadCellFixture(fixture);
      const window = cell.startWindow({
        key: createKey(5),
        batchSize: fixture.sizes.batchSize,
        training: true,
      });
      await expectWindowMatchesSteps(testing, cell, f as never, window);
      tf.dispose(Object.values(window) as tf.Tensor[]);
      releaseCell(f);
    }
  });

  it('declines off wasm, so the caller differentiates the loop', async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
    const before = tf.memory().numTensors;
    const p = problem(4, LAYOUTS[0] as (typeof LAYOUTS)[number]);
    const [projected, kernel, h, c] = p.args as [tf.Tensor, tf.Tensor, tf.Tensor2D, tf.Tensor2D];
    expect(lstmRecurrence(projected, kernel, { h, c }, p.input)).toBeUndefined();
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await selectBackend({ name: 'wasm', log: () => {} });
  });
});
