import { selectBackend } from '@bayesrnn/core';
import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LSTM_CELL_SOURCE_SHA256 } from './lstm-cell-wasm.generated.js';
import { LSTM_CELL_KERNEL, lstmGates } from './lstm-gates.js';

/** Float32 rounding of σ/tanh (|values| ≤ 1) and of the products in their gradients. */
const TOLERANCE = 3e-6;

/** Deterministic values in [−scale, scale), some tiny (tanh's polynomial branch). */
function values(size: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: size }, (_, index) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 31 - 1;
    return index % 7 === 0 ? u * 1e-3 : u * scale;
  });
}

const CASES = [
  { name: '[B, 4H], H = 7 (a tail of 3 units)', batch: 3, hidden: 7, blocks: false },
  { name: '[4, B, H], H = 7', batch: 3, hidden: 7, blocks: true },
  { name: '[B, 4H] at the PTB shape', batch: 20, hidden: 200, blocks: false },
  { name: '[4, B, H] at the PTB shape', batch: 20, hidden: 200, blocks: true },
];

/** h, c and the gradients of Σ h·u + Σ c·v (or of Σ h·u alone) w.r.t. pre and c_prev. */
async function evaluate(backend: string, c: (typeof CASES)[number], withC: boolean) {
  await tf.setBackend(backend);
  const preShape = c.blocks ? [4, c.batch, c.hidden] : [c.batch, 4 * c.hidden];
  const size = c.batch * c.hidden;
  const pre = tf.tensor(values(4 * size, 1, 12), preShape);
  const cPrev = tf.tensor2d(values(size, 2, 3), [c.batch, c.hidden]);
  const u = tf.tensor2d(values(size, 3, 1), [c.batch, c.hidden]);
  const v = tf.tensor2d(values(size, 4, 1), [c.batch, c.hidden]);
  const forward = lstmGates(pre, cPrev);
  const loss = (p: tf.Tensor, cp: tf.Tensor) => {
    const { h, c: next } = lstmGates(p, cp as tf.Tensor2D);
    const hTerm = tf.sum(tf.mul(h, u));
    return (withC ? tf.add(hTerm, tf.sum(tf.mul(next, v))) : hTerm) as tf.Scalar;
  };
  const [dPre, dC] = tf.grads(loss)([pre, cPrev]);
  const out = [forward.h, forward.c, dPre, dC].map((t) => t?.dataSync() as Float32Array);
  tf.dispose([pre, cPrev, u, v, forward.h, forward.c, dPre, dC]);
  return out;
}

describe('lstmGates: the fused LSTM step on wasm against tfjs ops on cpu', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('was built from the committed source', () => {
    expect(kernelSourceSha256(new URL('../wasm/lstm-cell.c', import.meta.url))).toBe(
      LSTM_CELL_SOURCE_SHA256,
    );
  });

  for (const c of CASES) {
    for (const withC of [true, false]) {
      const what = withC ? 'h and c used' : 'only h used (no dy for c)';
      it(`${c.name}, ${what}: h, c, dPre and dC agree; nothing leaks`, async () => {
        await tf.setBackend('wasm');
        const before = tf.memory().numTensors;
        const wasm = await evaluate('wasm', c, withC);
        expect(tf.memory().numTensors).toBe(before);
        const cpu = await evaluate('cpu', c, withC);
        const names = ['h', 'c', 'dPre', 'dC'];
        wasm.forEach((got, k) => {
          const expected = cpu[k] as Float32Array;
          expect(got.length, names[k]).toBe(expected.length);
          got.forEach((value, index) => {
            const reference = expected[index] ?? Number.NaN;
            const error = Math.abs(value - reference);
            if (!(error <= TOLERANCE * (1 + Math.abs(reference)))) {
              throw new Error(`${names[k]}[${index}]: ${value} vs ${reference}`);
            }
          });
        });
      });
    }
  }

  it('writes values below 2^-63 as zero, so that no matrix product meets a subnormal; NaN stays', async () => {
    // One row of four units ([B, 4H]: the i, f, g, o blocks): an output gate saturated
    // (σ(−60) ≈ 8.8e-27, under 2^-63), one nearly so (σ(−40) ≈ 4.2e-18, kept), a NaN
    // pre-activation, and an ordinary unit.
    const pre = [[5, 5, Number.NaN, 1, 0, 0, 0, 0, 1, 1, 1, 1, -60, -40, 0, 2]];
    const hAndGradient = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const [p, cPrev] = [tf.tensor2d(pre), tf.fill([1, 4], 0.5) as tf.Tensor2D];
        const h = lstmGates(p, cPrev).h.dataSync();
        const dPre = tf
          .grad((x: tf.Tensor) => tf.sum(lstmGates(x, cPrev).h))(p)
          .dataSync();
        return { h: Array.from(h), dOutputGate: Array.from(dPre.slice(12)) };
      });
    };
    const before = tf.memory().numTensors;
    const wasm = await hAndGradient('wasm');
    expect(tf.memory().numTensors).toBe(before);
    const cpu = await hAndGradient('cpu');
    // The composed ops keep the tiny values that the kernel flushes.
    expect(cpu.h[0]).toBeGreaterThan(0);
    expect(cpu.h[0]).toBeLessThan(2 ** -63);
    expect(cpu.dOutputGate[0]).toBeGreaterThan(0);
    expect(cpu.dOutputGate[0]).toBeLessThan(2 ** -63);
    expect(Object.is(wasm.h[0], 0)).toBe(true);
    expect(Object.is(wasm.dOutputGate[0], 0)).toBe(true);
    expect(wasm.h[2]).toBeNaN();
    for (const unit of [1, 3]) {
      expect(wasm.h[unit]).toBeCloseTo(cpu.h[unit] ?? Number.NaN, 6);
      const relative = Math.abs((wasm.h[unit] ?? 0) / (cpu.h[unit] ?? 1) - 1);
      expect(relative, `h[${unit}]`).toBeLessThan(TOLERANCE);
    }
  });

  it('is one kernel forward', async () => {
    await tf.setBackend('wasm');
    const pre = tf.zeros([2, 8]);
    const cPrev = tf.zeros([2, 2]);
    const info = await tf.profile(() => {
      const { h, c } = lstmGates(pre, cPrev as tf.Tensor2D);
      tf.dispose([h, c]);
    });
    expect(info.kernels.map((k) => k.name)).toEqual([LSTM_CELL_KERNEL]);
    tf.dispose([pre, cPrev]);
  });

  it('names the shapes when pre does not fit c', async () => {
    await tf.setBackend('wasm');
    const pre = tf.zeros([2, 12]);
    const cPrev = tf.zeros([2, 2]);
    expect(() => lstmGates(pre, cPrev as tf.Tensor2D)).toThrow(
      /BayesrnnLstmCell needs pre \[B, 4H\] or \[4, B, H\] and c \[B, H\], got pre \[2,12\] and c \[2,2\]/,
    );
    tf.dispose([pre, cPrev]);
  });
});
