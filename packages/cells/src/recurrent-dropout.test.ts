import { createKey, initWeights } from '@bayesrnn/core';
import type { Cell, NamedTensorTree, RngKey } from '@bayesrnn/spec';
import { countNewTensors, expectClose } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mistyped } from './__fixtures__/harness.js';
import { createGruCell } from './gru-cell.js';
import { createLstmCell } from './lstm-cell.js';
import {
  disposeRecurrentDropoutWindow,
  type RecurrentDropoutWindow,
  type VariationalDropoutConfig,
} from './recurrent-dropout.js';
import { createVanillaRnnCell } from './vanilla-rnn-cell.js';

const batchSize = 6;
const inputSize = 5;
const hiddenSize = 5; // equal sizes, so input and recurrent masks could be confused
const EXACT = { rtol: 0, atol: 0 };
const tied: VariationalDropoutConfig = { input: 0.5, recurrent: 0.5, tied: true };
const untied: VariationalDropoutConfig = { input: 0.5, recurrent: 0.5, tied: false };

const makers = {
  LSTM: (dropout?: VariationalDropoutConfig) =>
    createLstmCell({ inputSize, hiddenSize, ...(dropout ? { dropout } : {}) }),
  GRU: (dropout?: VariationalDropoutConfig) =>
    createGruCell({ inputSize, hiddenSize, ...(dropout ? { dropout } : {}) }),
  'vanilla RNN': (dropout?: VariationalDropoutConfig) =>
    createVanillaRnnCell({ inputSize, hiddenSize, ...(dropout ? { dropout } : {}) }),
};
const gatesOf = { LSTM: 4, GRU: 3, 'vanilla RNN': 1 } as const;

/**
 * Steps a cell twice from its zero state on the same input through one window, then once more
 * from the first step's state (a nonzero h, so recurrent masks matter); returns the 3 outputs.
 */
type AnyCell = Cell<string, NamedTensorTree, RecurrentDropoutWindow>;

function outputsOf(
  make: (dropout?: VariationalDropoutConfig) => AnyCell,
  dropout: VariationalDropoutConfig | undefined,
  key: RngKey,
  training: boolean,
): number[][] {
  const cell = make(dropout);
  const weights = initWeights(cell.weightSpecs, createKey(1));
  const window = cell.startWindow({ key, batchSize, training });
  const result = tf.tidy(() => {
    const x = tf.randomUniform([batchSize, inputSize], -1, 1, 'float32', 2) as tf.Tensor2D;
    const start = cell.initialState(batchSize);
    const first = cell.step(weights, x, start, window);
    const again = cell.step(weights, x, start, window);
    const next = cell.step(weights, x, first.state, window);
    return [first.output, again.output, next.output].map((t) => Array.from(t.dataSync()));
  });
  disposeRecurrentDropoutWindow(window);
  tf.dispose(Object.values(weights));
  return result;
}

describe('recurrent dropout windows', () => {
  for (const [name, make] of Object.entries(makers)) {
    const gates = gatesOf[name as keyof typeof gatesOf];

    it(`${name}: tied masks are [batchSize, size], untied [gates, batchSize, size] with distinct gates`, () => {
      const tiedWindow = make(tied).startWindow({ key: createKey(1), batchSize, training: true });
      expect(tiedWindow.inputMask?.shape).toEqual([batchSize, inputSize]);
      expect(tiedWindow.recurrentMask?.shape).toEqual([batchSize, hiddenSize]);
      const untiedWindow = make(untied).startWindow({
        key: createKey(1),
        batchSize,
        training: true,
      });
      const lead = gates === 1 ? [] : [gates];
      expect(untiedWindow.inputMask?.shape).toEqual([...lead, batchSize, inputSize]);
      expect(untiedWindow.recurrentMask?.shape).toEqual([...lead, batchSize, hiddenSize]);
      if (gates > 1) {
        const perGate = tf.tidy(() =>
          tf.unstack(untiedWindow.inputMask ?? tf.zeros([2])).map((m) => Array.from(m.dataSync())),
        );
        expect(perGate[0]).not.toEqual(perGate[1]);
      }
      const input = Array.from(tiedWindow.inputMask?.dataSync() ?? []);
      expect(input).not.toEqual(Array.from(tiedWindow.recurrentMask?.dataSync() ?? []));
      disposeRecurrentDropoutWindow(tiedWindow);
      disposeRecurrentDropoutWindow(untiedWindow);
    });

    it(`${name}: masks are fixed within a window and differ across windows (keys)`, () => {
      for (const dropout of [tied, untied]) {
        const [first, again, next] = outputsOf(make, dropout, createKey(10), true);
        expect(again).toEqual(first); // no mask is redrawn between steps
        const [otherFirst] = outputsOf(make, dropout, createKey(11), true);
        expect(otherFirst).not.toEqual(first);
        const [sameFirst, , sameNext] = outputsOf(make, dropout, createKey(10), true);
        expect(sameFirst).toEqual(first); // same key, same masks
        expect(sameNext).toEqual(next);
      }
    });

    it(`${name}: an evaluation window has no masks and equals the cell without dropout`, () => {
      const cell = make(untied);
      const window = cell.startWindow({ key: createKey(3), batchSize, training: false });
      expect(window).toEqual({});
      const evaluated = outputsOf(make, untied, createKey(3), false);
      const plain = outputsOf(make, undefined, createKey(3), true);
      evaluated.forEach((values, k) => {
        expectClose(values, plain[k] ?? [], EXACT, `step ${k}`);
      });
      // A loosely typed caller passing no window at all gets no dropout too.
      const cell2: AnyCell = make(untied);
      const weights = initWeights(cell2.weightSpecs, createKey(1));
      tf.tidy(() => {
        const x = tf.randomUniform([batchSize, inputSize], -1, 1, 'float32', 2) as tf.Tensor2D;
        const loose = cell2.step(weights, x, cell2.initialState(batchSize), mistyped(undefined));
        expectClose(loose.output, plain[0] ?? [], EXACT, 'no window');
      });
      tf.dispose(Object.values(weights));
      // MC dropout evaluates with training: true, and then the masks do change the output.
      const sampled = outputsOf(make, untied, createKey(3), true);
      expect(sampled[2]).not.toEqual(plain[2]);
    });

    it(`${name}: zero rates draw no mask; startWindow leaves exactly its masks`, async () => {
      const cell = make({ input: 0, recurrent: 0, tied: false });
      expect(cell.startWindow({ key: createKey(3), batchSize, training: true })).toEqual({});
      const inputOnly = make({ input: 0.2, recurrent: 0, tied: false });
      const windows: ReturnType<typeof cell.startWindow>[] = [];
      const made = await countNewTensors(() => {
        windows.push(inputOnly.startWindow({ key: createKey(3), batchSize, training: true }));
        windows.push(make(untied).startWindow({ key: createKey(3), batchSize, training: true }));
        windows.push(make(untied).startWindow({ key: createKey(3), batchSize, training: false }));
      });
      expect(made).toBe(3);
      expect(windows[0]?.recurrentMask).toBeUndefined();
      const freed = await countNewTensors(() => windows.forEach(disposeRecurrentDropoutWindow));
      expect(freed).toBe(-3);
    });
  }

  it('untied masks keep the mean (inverted scaling), each gate about 1 − p kept', () => {
    const cell = createLstmCell({
      inputSize: 50,
      hiddenSize: 50,
      dropout: { input: 0.4, recurrent: 0.2, tied: false },
    });
    const window = cell.startWindow({ key: createKey(8), batchSize: 100, training: true });
    tf.tidy(() => {
      // 4 · 100 · 50 = 20k entries per mask: sd of the mean = sqrt(p/(1 − p)/20000) ≤ 0.0058.
      expectClose(
        tf.mean(window.inputMask ?? tf.zeros([1])),
        1,
        { rtol: 0, atol: 0.029 },
        'input mean',
      );
      expectClose(
        tf.mean(window.recurrentMask ?? tf.zeros([1])),
        1,
        { rtol: 0, atol: 0.015 },
        'recurrent mean',
      );
      const keptPerGate = tf.mean(
        tf.cast(tf.greater(window.inputMask ?? tf.zeros([1]), 0), 'float32'),
        [1, 2],
      );
      expectClose(keptPerGate, [0.6, 0.6, 0.6, 0.6], { rtol: 0, atol: 0.035 }, 'kept per gate');
    });
    disposeRecurrentDropoutWindow(window);
  });

  it('refuses a bad batch size or key, naming the cell', () => {
    const cell = createLstmCell({ inputSize, hiddenSize, dropout: tied });
    expect(() => cell.startWindow({ key: createKey(1), batchSize: 0, training: true })).toThrow(
      'LSTM cell.startWindow: batchSize must be a positive integer, got 0',
    );
    const notAKey = { kind: 'RngKey', words: [1.5, 2] } as unknown as RngKey;
    expect(() => cell.startWindow({ key: notAKey, batchSize, training: true })).toThrow(
      /LSTM cell\.startWindow: expected an RngKey/,
    );
    const window = cell.startWindow({ key: createKey(1), batchSize, training: true });
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(1));
      const x = tf.zeros([batchSize + 1, inputSize]) as tf.Tensor2D;
      expect(() => cell.step(weights, x, cell.initialState(batchSize + 1), window)).toThrow(
        'LSTM cell: window.inputMask must have shape [7, 5], got [6, 5]',
      );
    });
    disposeRecurrentDropoutWindow(window);
  });
});
