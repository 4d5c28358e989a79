import { createKey, initWeights, randomUniform, selectBackend } from '@bayesrnn/core';
import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGruCell, type GruState } from './gru-cell.js';
import { GRU_CELL_SOURCE_SHA256 } from './gru-cell-wasm.generated.js';
import { disposeRecurrentDropoutWindow } from './recurrent-dropout.js';

const [BATCH, STEPS, INPUT] = [6, 9, 12];
// 16 units fill whole vectors of the step kernel (wasm/gru-cell.c); 7 leave a tail of 3.
const CASES = [
  { name: 'no dropout', hidden: 16, dropout: undefined },
  { name: 'tied masks', hidden: 16, dropout: { input: 0.3, recurrent: 0.4, tied: true } },
  { name: 'untied masks', hidden: 16, dropout: { input: 0.3, recurrent: 0.4, tied: false } },
  { name: 'tied masks, 7 units', hidden: 7, dropout: { input: 0.3, recurrent: 0.4, tied: true } },
  {
    name: 'untied masks, 7 units',
    hidden: 7,
    dropout: { input: 0.3, recurrent: 0.4, tied: false },
  },
];

/** Every output of the window and the gradient of a weighted sum of them w.r.t. everything. */
function evaluate(
  run: (weights: Record<string, tf.Tensor>, inputs: tf.Tensor3D, h: tf.Tensor2D) => tf.Tensor3D,
  named: Record<string, tf.Tensor>,
  lossWeights: tf.Tensor,
): Map<string, Float32Array> {
  const names = Object.keys(named);
  const loss = (...values: tf.Tensor[]) => {
    const args = Object.fromEntries(names.map((name, i) => [name, values[i] as tf.Tensor]));
    const { inputs, h0, ...weights } = args;
    return tf.sum(tf.mul(run(weights, inputs as tf.Tensor3D, h0 as tf.Tensor2D), lossWeights));
  };
  const { value, grads } = tf.valueAndGrads(loss as (...v: tf.Tensor[]) => tf.Scalar)(
    names.map((name) => named[name] as tf.Tensor),
  );
  const results = new Map([['loss', value.dataSync() as Float32Array]]);
  names.forEach((name, i) => {
    results.set(`d ${name}`, grads[i]?.dataSync() as Float32Array);
  });
  tf.dispose([value, ...grads]);
  return results;
}

describe('the GRU window (gruRecurrence) on wasm, its steps in wasm/gru-cell.c', () => {
  it('was built from the committed wasm/gru-cell.c', () => {
    expect(kernelSourceSha256(new URL('../wasm/gru-cell.c', import.meta.url))).toBe(
      GRU_CELL_SOURCE_SHA256,
    );
  });

  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it.each(CASES)(
    '$name: stepping’s loss and gradients to float32 rounding; leaks nothing',
    ({ hidden: HIDDEN, dropout }) => {
      const cell = createGruCell({
        inputSize: INPUT,
        hiddenSize: HIDDEN,
        ...(dropout === undefined ? {} : { dropout }),
      });
      const before = tf.memory().numTensors;
      const weights = initWeights(cell.weightSpecs, createKey(1));
      const named: Record<string, tf.Tensor> = {
        ...weights,
        inputs: randomUniform(createKey(2), [BATCH, STEPS, INPUT], -1, 1),
        h0: randomUniform(createKey(3), [BATCH, HIDDEN], -1, 1),
      };
      const lossWeights = randomUniform(createKey(4), [BATCH, STEPS, HIDDEN], -1, 1);
      const window = cell.startWindow({ key: createKey(5), batchSize: BATCH, training: true });
      const windowed = (w: Record<string, tf.Tensor>, inputs: tf.Tensor3D, h: tf.Tensor2D) =>
        cell.runWindow?.(w as never, inputs, { h }, window).outputs as tf.Tensor3D;
      const stepped = (w: Record<string, tf.Tensor>, inputs: tf.Tensor3D, h: tf.Tensor2D) => {
        let state: GruState = { h };
        const outputs = (tf.unstack(inputs, 1) as tf.Tensor2D[]).map((x) => {
          const next = cell.step(w as never, x, state, window);
          state = next.state;
          return next.output;
        });
        return tf.stack(outputs, 1) as tf.Tensor3D;
      };
      const ours = evaluate(windowed, named, lossWeights);
      const reference = evaluate(stepped, named, lossWeights);
      expect([...ours.keys()]).toEqual([...reference.keys()]);
      for (const [name, values] of ours) {
        const expected = reference.get(name) ?? new Float32Array();
        const scale = Math.max(...Array.from(expected, Math.abs));
        const worst = Math.max(...Array.from(values, (v, i) => Math.abs(v - (expected[i] ?? 0))));
        expect(worst / scale, name).toBeLessThan(1e-5);
      }
      tf.dispose([...Object.values(named), lossWeights]);
      disposeRecurrentDropoutWindow(window);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
