import { createKey, initWeights } from '@bayesrnn/core';
import {
  countNewTensors,
  expectClose,
  expectGradientsMatch,
  expectNoLeaks,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { decode, decodeAll, expectFinite, unroll, weightedSum } from './__fixtures__/harness.js';
import fixture from './__fixtures__/lstm.json' with { type: 'json' };
import { type Matrix, referenceLstmStep } from './__fixtures__/reference-cells.js';
import { createLstmCell, type LstmState } from './lstm-cell.js';
import { disposeRecurrentDropoutWindow, type RecurrentDropoutWindow } from './recurrent-dropout.js';

const { batchSize, inputSize, hiddenSize } = fixture.sizes;
const plain = createLstmCell({ inputSize, hiddenSize });
const NO_MASKS: RecurrentDropoutWindow = {};

/** Fixture weights, inputs `[steps, batchSize, inputSize]`, initial state, loss weights. */
function load() {
  return {
    weights: decodeAll(fixture.weights),
    inputs: decode(fixture.inputs),
    h0: decode(fixture.initialState.h) as tf.Tensor2D,
    c0: decode(fixture.initialState.c) as tf.Tensor2D,
    lossWeights: decode(fixture.lossWeights),
  };
}

describe('LSTM cell against torch.nn.LSTMCell (float64 fixture)', () => {
  it('matches h and c at every step and the loss', () => {
    const f = load();
    tf.tidy(() => {
      const { outputs, states } = unroll(
        plain,
        f.weights,
        f.inputs,
        { h: f.h0, c: f.c0 },
        NO_MASKS,
      );
      const tolerance = TOLERANCES.reference;
      expectClose(outputs, decode(fixture.outputs.h), tolerance, 'h');
      expectClose(tf.stack(states.map((s) => s.c)), decode(fixture.outputs.c), tolerance, 'c');
      expectClose(weightedSum(outputs, f.lossWeights), fixture.loss, tolerance, 'loss');
    });
    tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
  });

  it('matches the gradients w.r.t. kernel, bias, inputs and the initial state', () => {
    const f = load();
    tf.tidy(() => {
      const loss = (
        kernel: tf.Tensor,
        bias: tf.Tensor,
        inputs: tf.Tensor,
        h0: tf.Tensor,
        c0: tf.Tensor,
      ) =>
        weightedSum(
          unroll(
            plain,
            { kernel, bias },
            inputs,
            { h: h0 as tf.Tensor2D, c: c0 as tf.Tensor2D },
            NO_MASKS,
          ).outputs,
          f.lossWeights,
        );
      const grads = tf.grads(loss)([f.weights.kernel, f.weights.bias, f.inputs, f.h0, f.c0]);
      const names = ['kernel', 'bias', 'inputs', 'h0', 'c0'] as const;
      names.forEach((name, k) => {
        const grad = grads[k];
        if (!grad) throw new Error(`no gradient for ${name}`);
        expectClose(
          grad,
          decode(fixture.gradients[name]),
          TOLERANCES.reference,
          `d loss/d ${name}`,
        );
      });
    });
    tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
  });
});

describe('LSTM cell gradients (finite differences)', () => {
  const cases = [
    { name: 'no dropout', dropout: undefined },
    { name: 'tied masks', dropout: { input: 0.4, recurrent: 0.3, tied: true } },
    { name: 'untied masks', dropout: { input: 0.4, recurrent: 0.3, tied: false } },
    { name: 'untied input masks only', dropout: { input: 0.4, recurrent: 0, tied: false } },
  ] as const;
  for (const { name, dropout } of cases) {
    it(`${name}: analytic gradients match (masks are constants of the window)`, () => {
      const cell = createLstmCell({ inputSize, hiddenSize, ...(dropout ? { dropout } : {}) });
      const f = load();
      const window = cell.startWindow({ key: createKey(5), batchSize, training: true });
      expect(window.inputMask !== undefined).toBe(dropout !== undefined);
      expectGradientsMatch(
        ({ kernel, bias, inputs, h0, c0 }) =>
          weightedSum(
            unroll(
              cell,
              { kernel: kernel as tf.Tensor, bias: bias as tf.Tensor },
              inputs as tf.Tensor,
              { h: h0 as tf.Tensor2D, c: c0 as tf.Tensor2D },
              window,
            ).outputs,
            f.lossWeights,
          ),
        { ...f.weights, inputs: f.inputs, h0: f.h0, c0: f.c0 },
      );
      disposeRecurrentDropoutWindow(window);
      tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
    });
  }

  it('saturated gates (pre-activations ~ ±1e3): finite values and gradients', () => {
    const cell = createLstmCell({
      inputSize,
      hiddenSize,
      dropout: { input: 0.2, recurrent: 0.2, tied: false },
    });
    const f = load();
    const window = cell.startWindow({ key: createKey(9), batchSize, training: true });
    tf.tidy(() => {
      const kernel = tf.mul(f.weights.kernel, 1e3);
      const bias = tf.mul(f.weights.bias, 1e3);
      const loss = (k: tf.Tensor, b: tf.Tensor, x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor) => {
        const { outputs, states } = unroll(
          cell,
          { kernel: k, bias: b },
          x,
          { h: h0 as tf.Tensor2D, c: c0 as tf.Tensor2D },
          window,
        );
        const last = states[states.length - 1];
        return tf.add(
          weightedSum(outputs, f.lossWeights),
          tf.sum(last?.c ?? tf.scalar(0)),
        ) as tf.Scalar;
      };
      const { outputs, states } = unroll(
        cell,
        { kernel, bias },
        f.inputs,
        { h: f.h0, c: f.c0 },
        window,
      );
      const [dk, db, dx, dh, dc] = tf.grads(loss)([kernel, bias, f.inputs, f.h0, f.c0]);
      expect(tf.max(tf.abs(outputs)).dataSync()[0]).toBeLessThanOrEqual(1);
      expectFinite({
        outputs,
        c: tf.stack(states.map((s) => s.c)),
        dk: dk ?? tf.scalar(Number.NaN),
      });
      expectFinite({ db: db ?? tf.scalar(Number.NaN), dx: dx ?? tf.scalar(Number.NaN) });
      expectFinite({ dh: dh ?? tf.scalar(Number.NaN), dc: dc ?? tf.scalar(Number.NaN) });
    });
    disposeRecurrentDropoutWindow(window);
    tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
  });
});

describe('LSTM cell with dropout masks (against a float64 JS reference)', () => {
  for (const tied of [true, false]) {
    it(`${tied ? 'tied' : 'untied'}: gate g sees x ⊙ z_x^g and h ⊙ z_h^g; c is not dropped`, () => {
      const cell = createLstmCell({
        inputSize,
        hiddenSize,
        dropout: { input: 0.5, recurrent: 0.5, tied },
      });
      const f = load();
      const window = cell.startWindow({ key: createKey(21), batchSize, training: true });
      const perGate = (mask: tf.Tensor | undefined): Matrix[] => {
        if (!mask) throw new Error('expected a mask');
        const values = mask.arraySync() as Matrix | Matrix[];
        return mask.rank === 3 ? (values as Matrix[]) : [0, 1, 2, 3].map(() => values as Matrix);
      };
      const zx = perGate(window.inputMask);
      const zh = perGate(window.recurrentMask);
      expect(zx[0]).not.toEqual(tied ? undefined : zx[1]);
      let expected = { h: f.h0.arraySync(), c: f.c0.arraySync() };
      const kernel = f.weights.kernel.arraySync() as Matrix;
      const bias = f.weights.bias.arraySync() as number[];
      let state: LstmState = { h: f.h0.clone(), c: f.c0.clone() };
      for (const x of tf.unstack(f.inputs) as tf.Tensor2D[]) {
        expected = referenceLstmStep(x.arraySync(), expected, kernel, bias, zx, zh);
        const next = cell.step(f.weights, x, state, window);
        expectClose(next.state.h, expected.h.flat(), TOLERANCES.reference, 'h');
        expectClose(next.state.c, expected.c.flat(), TOLERANCES.reference, 'c');
        expectClose(next.output, expected.h.flat(), TOLERANCES.reference, 'output');
        tf.dispose([x, state.h, state.c, next.output]);
        state = next.state;
      }
      tf.dispose([state.h, state.c]);
      disposeRecurrentDropoutWindow(window);
      tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
    });
  }

  it('untied masks that happen to be equal across gates give the tied result', () => {
    const f = load();
    const x = tf.tidy(() =>
      tf.squeeze(tf.slice(f.inputs, [0, 0, 0], [1, batchSize, inputSize]), [0]),
    ) as tf.Tensor2D;
    const zx = tf.tidy(() =>
      tf.mul(
        tf.cast(
          tf.greater(tf.randomUniform([batchSize, inputSize], 0, 1, 'float32', 3), 0.5),
          'float32',
        ),
        2,
      ),
    );
    const zh = tf.tidy(() =>
      tf.mul(
        tf.cast(
          tf.greater(tf.randomUniform([batchSize, hiddenSize], 0, 1, 'float32', 4), 0.5),
          'float32',
        ),
        2,
      ),
    );
    tf.tidy(() => {
      const state = { h: f.h0, c: f.c0 };
      const tied = plain.step(f.weights, x, state, { inputMask: zx, recurrentMask: zh });
      const untied = plain.step(f.weights, x, state, {
        inputMask: tf.stack([zx, zx, zx, zx]),
        recurrentMask: tf.stack([zh, zh, zh, zh]),
      });
      expectClose(untied.state.h, tied.state.h, TOLERANCES.float32, 'h');
      expectClose(untied.state.c, tied.state.c, TOLERANCES.float32, 'c');
    });
    tf.dispose([x, zx, zh, ...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
  });
});

describe('LSTM cell contract', () => {
  it('declares the fused weight shapes; forgetBias offsets the f block of the initial bias', () => {
    const cell = createLstmCell({ inputSize: 3, hiddenSize: 4, forgetBias: 3 });
    expect(cell.weightSpecs.kernel.shape).toEqual([7, 16]);
    expect(cell.weightSpecs.bias.shape).toEqual([16]);
    expect(cell.outputSize).toBe(4);
    const weights = initWeights(cell.weightSpecs, createKey(1));
    const bias = Array.from(weights.bias.dataSync());
    bias.forEach((v, k) => {
      const offset = k >= 4 && k < 8 ? 3 : 0; // block f of i, f, g, o
      expect(Math.abs(v - offset)).toBeLessThanOrEqual(0.1); // default init U[−0.1, 0.1]
    });
    const kernel = Array.from(weights.kernel.dataSync());
    expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(0.1);
    const again = initWeights(cell.weightSpecs, createKey(1));
    expectClose(again.kernel, weights.kernel, { rtol: 0, atol: 0 }, 'same key, same init');
    tf.dispose([...Object.values(weights), ...Object.values(again)]);
  });

  it('starts from zeros and returns output and state the caller owns separately', () => {
    const f = load();
    const state = plain.initialState(batchSize);
    expect(state.h.shape).toEqual([batchSize, hiddenSize]);
    expect(Array.from(state.c.dataSync()).every((v) => v === 0)).toBe(true);
    const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
    const result = plain.step(f.weights, x, state, NO_MASKS);
    result.state.h.dispose();
    expect(result.output.isDisposed).toBe(false);
    expect(x.isDisposed || state.h.isDisposed || state.c.isDisposed).toBe(false);
    tf.dispose([x, state.h, state.c, result.output, result.state.c]);
    tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
  });

  it('leaks nothing: a step leaves exactly output, h and c; startWindow exactly its masks', async () => {
    const cell = createLstmCell({
      inputSize,
      hiddenSize,
      dropout: { input: 0.3, recurrent: 0.3, tied: false },
    });
    const f = load();
    const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
    const window = cell.startWindow({ key: createKey(2), batchSize, training: true });
    const made = await countNewTensors(() => {
      const { output, state } = cell.step(f.weights, x, { h: f.h0, c: f.c0 }, window);
      expect(state.h.shape).toEqual([batchSize, hiddenSize]);
      tf.dispose([output, state.h, state.c]);
    });
    expect(made).toBe(0);
    expect(
      await countNewTensors(() => void cell.step(f.weights, x, { h: f.h0, c: f.c0 }, window)),
    ).toBe(3);
    await expectNoLeaks(() => {
      disposeRecurrentDropoutWindow(
        cell.startWindow({ key: createKey(3), batchSize, training: true }),
      );
      disposeRecurrentDropoutWindow(
        cell.startWindow({ key: createKey(3), batchSize, training: false }),
      );
    }, 'startWindow');
    disposeRecurrentDropoutWindow(window);
    tf.dispose([x, ...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
  });

  it('refuses bad configs, naming the option', () => {
    expect(() => createLstmCell({ inputSize: 4, hiddenSize: 0 })).toThrow(
      'LstmConfig.hiddenSize must be a positive integer, got 0',
    );
    expect(() => createLstmCell({ inputSize: 2.5, hiddenSize: 3 })).toThrow(
      'LstmConfig.inputSize must be a positive integer, got 2.5',
    );
    expect(() => createLstmCell({ inputSize: 2, hiddenSize: 3, forgetBias: Number.NaN })).toThrow(
      'LstmConfig.forgetBias must be a finite number, got NaN',
    );
    expect(() =>
      createLstmCell({
        inputSize: 2,
        hiddenSize: 3,
        dropout: { input: 1, recurrent: 0, tied: true },
      }),
    ).toThrow('LstmConfig.dropout.input must be a dropout rate in [0, 1), got 1');
    expect(() =>
      createLstmCell({
        inputSize: 2,
        hiddenSize: 3,
        dropout: { input: 0, recurrent: -0.1, tied: true },
      }),
    ).toThrow('LstmConfig.dropout.recurrent must be a dropout rate in [0, 1), got -0.1');
    expect(() => plain.initialState(0)).toThrow(
      'LSTM cell.initialState: batchSize must be a positive integer, got 0',
    );
  });

  it('refuses a wrong input, state, weight or window shape at step time, naming the cell', () => {
    const f = load();
    tf.tidy(() => {
      const state = { h: f.h0, c: f.c0 };
      const wide = tf.zeros([batchSize, inputSize + 1]) as tf.Tensor2D;
      expect(() => plain.step(f.weights, wide, state, NO_MASKS)).toThrow(
        `LSTM cell: input must have shape [3, 4], got [3, 5]`,
      );
      const x = tf.zeros([batchSize, inputSize]) as tf.Tensor2D;
      expect(() =>
        plain.step(
          f.weights,
          x,
          { h: f.h0, c: tf.zeros([2, hiddenSize]) as tf.Tensor2D },
          NO_MASKS,
        ),
      ).toThrow('LSTM cell: state.c must have shape [3, 5], got [2, 5]');
      expect(() => plain.step({ ...f.weights, bias: tf.zeros([5]) }, x, state, NO_MASKS)).toThrow(
        'LSTM cell: weights.bias must have shape [20], got [5]',
      );
      expect(() => plain.step(f.weights, x, state, { inputMask: tf.ones([2, inputSize]) })).toThrow(
        'LSTM cell: window.inputMask must have shape [3, 4], got [2, 4]',
      );
      expect(() =>
        plain.step(f.weights, x, state, { recurrentMask: tf.ones([3, batchSize, hiddenSize]) }),
      ).toThrow('LSTM cell: window.recurrentMask must have shape [4, 3, 5], got [3, 3, 5]');
    });
    tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.c0, f.lossWeights]);
  });
});
