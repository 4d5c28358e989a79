import { checkLeaksAfterEachTest, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  circularShift,
  interpolateWeighting,
  ntmAddressing,
  sharpenWeighting,
} from './ntm-addressing.js';

checkLeaksAfterEachTest();

const EXACT = { rtol: 0, atol: 0 };

/** A `[1, heads, width]` tensor from rows. */
const heads = (rows: number[][]) => tf.tensor3d([rows]);
/** γ or g for each head, `[1, heads, 1]`. */
const perHead = (values: number[]) => tf.tensor3d([values.map((v) => [v])]);

describe('NTM circular shift (Graves et al. 2014, eq. 8)', () => {
  it('moves a one-hot weighting by +1 with all shift weight on +1, wrapping N − 1 to 0', () => {
    tf.tidy(() => {
      const weights = heads([
        [0, 1, 0, 0, 0],
        [0, 0, 0, 0, 1],
      ]);
      const plusOne = heads([
        [0, 0, 1],
        [0, 0, 1],
      ]);
      const expected = heads([
        [0, 0, 1, 0, 0],
        [1, 0, 0, 0, 0],
      ]);
      expectClose(circularShift(weights, plusOne), expected, EXACT, 'shift +1');
    });
  });

  it('moves by −1 with all shift weight on index 0, wrapping 0 to N − 1', () => {
    tf.tidy(() => {
      const shifted = circularShift(heads([[1, 0, 0, 0, 0]]), heads([[1, 0, 0]]));
      expectClose(shifted, heads([[0, 0, 0, 0, 1]]), EXACT, 'shift −1');
    });
  });

  it('blurs a two-slot weighting by a mixed shift distribution', () => {
    // w = [.5, .5, 0, 0, 0], s(−1, 0, +1) = (.2, .5, .3); w̃(i) = Σ_j w(j) s(i − j):
    // w̃(0) = .5·.5 + .5·.2 = .35, w̃(1) = .5·.3 + .5·.5 = .4, w̃(2) = .5·.3 = .15,
    // w̃(3) = 0, w̃(4) = w(0) s(−1) = .1.
    tf.tidy(() => {
      const shifted = circularShift(heads([[0.5, 0.5, 0, 0, 0]]), heads([[0.2, 0.5, 0.3]]));
      expectClose(shifted, heads([[0.35, 0.4, 0.15, 0, 0.1]]), TOLERANCES.float32, 'blur');
    });
  });

  it('takes shifts −2..+2 over 5 slots (index 0 is −2, index 4 is +2)', () => {
    tf.tidy(() => {
      const start = heads([
        [1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
      ]);
      const shifts = heads([
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 1],
      ]);
      const expected = heads([
        [0, 0, 0, 1, 0],
        [0, 0, 1, 0, 0],
      ]);
      expectClose(circularShift(start, shifts), expected, EXACT, 'shift ±2');
    });
  });

  it('refuses an even shift width or one wider than memory', () => {
    tf.tidy(() => {
      const weights = heads([[1, 0, 0, 0, 0]]);
      expect(() => circularShift(weights, heads([[0.5, 0.5]]))).toThrow(
        'circularShift: shifts must have an odd width ≤ memorySize (5), got 2',
      );
      expect(() => circularShift(weights, heads([[0, 0, 0, 1, 0, 0, 0]]))).toThrow(RangeError);
    });
  });
});

describe('NTM sharpening (Graves et al. 2014, eq. 9)', () => {
  it('raises to γ and renormalises', () => {
    // [.3, .5, .2]² = [.09, .25, .04], sum .38.
    tf.tidy(() => {
      const sharpened = sharpenWeighting(heads([[0.3, 0.5, 0.2, 0, 0]]), perHead([2]));
      const expected = heads([[0.09 / 0.38, 0.25 / 0.38, 0.04 / 0.38, 0, 0]]);
      expectClose(sharpened, expected, TOLERANCES.float32, 'γ = 2');
      const unchanged = sharpenWeighting(heads([[0.3, 0.5, 0.2, 0, 0]]), perHead([1]));
      expectClose(unchanged, heads([[0.3, 0.5, 0.2, 0, 0]]), TOLERANCES.float32, 'γ = 1');
    });
  });

  it('makes a two-peaked weighting one-hot on the larger peak as γ grows', () => {
    // (.4 / .45)^200 ≈ 6e−11: all mass on slot 3. Raw .45^200 ≈ 1e−69 underflows float32.
    tf.tidy(() => {
      const sharpened = sharpenWeighting(heads([[0.4, 0.05, 0.05, 0.45, 0.05]]), perHead([200]));
      expectClose(sharpened, heads([[0, 0, 0, 1, 0]]), { rtol: 0, atol: 1e-9 }, 'γ = 200');
    });
  });

  it('keeps a flat weighting over 128 slots flat at γ = 31, where (1/128)^31 underflows', () => {
    tf.tidy(() => {
      const flat = tf.fill([1, 1, 128], 1 / 128) as tf.Tensor3D;
      const sharpened = sharpenWeighting(flat, perHead([31]));
      expectClose(sharpened, flat, TOLERANCES.float32, 'flat');
    });
  });
});

describe('NTM interpolation (Graves et al. 2014, eq. 7)', () => {
  it('keeps the previous weighting exactly at gate 0 and mixes linearly otherwise', () => {
    tf.tidy(() => {
      const content = heads([
        [0.6, 0.1, 0.1, 0.1, 0.1],
        [0.6, 0.1, 0.1, 0.1, 0.1],
        [0.6, 0.1, 0.1, 0.1, 0.1],
      ]);
      const previous = heads([
        [0.1, 0.2, 0.3, 0.4, 0],
        [0.1, 0.2, 0.3, 0.4, 0],
        [0, 0, 0, 0, 1],
      ]);
      const mixed = interpolateWeighting(content, previous, perHead([0, 1, 0.25]));
      // Head 2: .25·[.6, .1, .1, .1, .1] + .75·[0, 0, 0, 0, 1].
      const expected = heads([
        [0.1, 0.2, 0.3, 0.4, 0],
        [0.6, 0.1, 0.1, 0.1, 0.1],
        [0.15, 0.025, 0.025, 0.025, 0.775],
      ]);
      expectClose(mixed.slice([0, 0, 0], [1, 1, 5]), expected.slice([0, 0, 0], [1, 1, 5]), EXACT);
      expectClose(mixed, expected, TOLERANCES.float32, 'interpolation');
    });
  });
});

describe('NTM addressing (content → interpolation → shift → sharpening)', () => {
  // Rows ±e1, ±e2: a key e2 matches row 1 (cos 1), rows 0 and 2 are orthogonal, row 3 opposite.
  const memoryRows = () =>
    tf.tensor3d([
      [
        [1, 0],
        [0, 1],
        [-1, 0],
        [0, -1],
      ],
    ]);

  it('focuses on the matching row by content, then shifts it by +1', () => {
    // β = 50: exp(50·(0 − 1)) ≈ 2e−22, so w^c is one-hot on row 1 and the shift moves it to 2.
    tf.tidy(() => {
      const weights = ntmAddressing(memoryRows(), heads([[1, 0, 0, 0]]), {
        keys: heads([[0, 1]]),
        strengths: perHead([50]),
        gates: perHead([1]),
        shifts: heads([[0, 0, 1]]),
        sharpening: perHead([1]),
      });
      expectClose(weights, heads([[0, 0, 1, 0]]), { rtol: 0, atol: 1e-6 }, 'content then shift');
    });
  });

  it('keeps the previous weighting at gate 0 with no shift and γ = 1', () => {
    tf.tidy(() => {
      const previous = heads([[0.1, 0.2, 0.3, 0.4]]);
      const weights = ntmAddressing(memoryRows(), previous, {
        keys: heads([[0, 1]]),
        strengths: perHead([50]),
        gates: perHead([0]),
        shifts: heads([[0, 1, 0]]),
        sharpening: perHead([1]),
      });
      expectClose(weights, previous, TOLERANCES.float32, 'gate 0');
    });
  });

  it('has finite, hand-computed gradients where the weighting has exact zeros', () => {
    // Zero memory (content uniform, 1/5), previous one-hot on slot 0, gate 0, no shift: every
    // intermediate weighting is e_0. Loss Σ_i R(i) w(i) with R = [1, 2, 3, 4, 5], so loss = 1.
    // γ = 1: w = w^g / Σ w^g, so d/dg = Σ R (w^c − w_prev) = 3 − 1 = 2;
    // d/dw_prev(j) = R(j) − loss = [0, 1, 2, 3, 4]; d/ds(k) = R(slot of shift k) − loss with
    // shift −1 landing on slot 4: [4, 0, 1]; d/dγ = 0 (w = e_0 for every γ).
    // γ = 2: e_0 is a fixed point of sharpening (the pow gradient 2·0^1 = 0), so all vanish.
    const R = tf.tensor3d([[[1, 2, 3, 4, 5]]]);
    const grads = (gamma: number) =>
      tf.grads((previous, gates, shifts, sharpening, memory, keys, strengths) =>
        tf.sum(
          tf.mul(
            ntmAddressing(memory as tf.Tensor3D, previous as tf.Tensor3D, {
              keys: keys as tf.Tensor3D,
              strengths: strengths as tf.Tensor3D,
              gates: gates as tf.Tensor3D,
              shifts: shifts as tf.Tensor3D,
              sharpening: sharpening as tf.Tensor3D,
            }),
            R,
          ),
        ),
      )([
        heads([[1, 0, 0, 0, 0]]),
        perHead([0]),
        heads([[0, 1, 0]]),
        perHead([gamma]),
        tf.zeros([1, 5, 3]),
        heads([[0.5, -0.5, 0.25]]),
        perHead([2]),
      ]);
    tf.tidy(() => {
      const [previous, gate, shifts, sharpening, ...rest] = grads(1);
      for (const g of [previous, gate, shifts, sharpening, ...rest]) {
        expect(Array.from(g?.dataSync() ?? []).every(Number.isFinite)).toBe(true);
      }
      expectClose(previous as tf.Tensor, heads([[0, 1, 2, 3, 4]]), TOLERANCES.float32, 'dprev');
      expectClose(gate as tf.Tensor, perHead([2]), TOLERANCES.float32, 'dgate');
      expectClose(shifts as tf.Tensor, heads([[4, 0, 1]]), TOLERANCES.float32, 'dshift');
      expectClose(sharpening as tf.Tensor, perHead([0]), TOLERANCES.float32, 'dγ');
      for (const g of grads(2)) {
        expectClose(g, tf.zerosLike(g), { rtol: 0, atol: 1e-6 }, 'γ = 2');
      }
    });
    R.dispose();
  });
});
