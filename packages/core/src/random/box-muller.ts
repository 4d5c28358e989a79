import type { RngKey } from '@bayesrnn/spec';
import { laneKey } from './rng-key.js';
import { Xoshiro128 } from './xoshiro128.js';

/**
 * Standard normal variates by the Box–Muller transform (Box & Muller 1958) in float32, from
 * eight xoshiro128** streams: the reference in JavaScript of `wasm/normal.h`, which draws the
 * same numbers bit for bit with WebAssembly SIMD, one lane per stream (its header says why
 * Box–Muller). Every operation here is a float32 one, rounded once by `Math.fround` as the
 * SIMD instruction rounds it.
 *
 * Per pair of words (w1, w2) of one lane: `u = ((w1 >>> 1) | 1)·2⁻³¹ ∈ [2⁻³¹, 1]`,
 * `r = √(−2 log u)`, and the angle `2π m/2²⁴` with `m = w2 >>> 8`, reduced to its quadrant
 * `q` and `x ∈ [−π/4, π/4]` in integers; then `z1 = r cos`, `z2 = r sin`. The tail is cut at
 * `r ≤ 6.56` (mass 5·10⁻¹¹ beyond); the angle has 2²⁴ values.
 *
 * Order: every 16 numbers are one step of the eight lanes, two words each: lanes 0–3 give
 * numbers 0–3 (their z1) and 4–7 (their z2), lanes 4–7 numbers 8–11 and 12–15.
 */
const f = Math.fround;

/** Lanes per stream, and numbers per step of all of them. */
export const NORMAL_LANES = 8;
export const NORMAL_GROUP = 16;

const bits = new Int32Array(1);
const float = new Float32Array(bits.buffer);

/** Cephes' logf coefficients, highest degree first, as float32. */
const LOG_POLYNOMIAL = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LN2_HIGH = f(0.693359375);
const LN2_LOW = f(-2.1219444e-4);
const SQRT_HALF = f(Math.SQRT1_2);

/** log(x) for normal positive float32 x: `simd-math.h`'s `log4` (Cephes logf), lane for lane. */
export function logFloat32(x: number): number {
  float[0] = x;
  const word = bits[0] as number;
  let exponent = (word >>> 23) - 126;
  bits[0] = (word & 0x807fffff) | 0x3f000000; // the mantissa in [0.5, 1)
  const m = float[0] as number;
  let xm: number;
  if (m < SQRT_HALF) {
    exponent -= 1;
    xm = f(f(m + m) - 1);
  } else {
    xm = f(m - 1);
  }
  const z = f(xm * xm);
  let y = LOG_POLYNOMIAL[0] as number;
  for (let i = 1; i < LOG_POLYNOMIAL.length; i++) y = f(f(y * xm) + (LOG_POLYNOMIAL[i] as number));
  y = f(f(y * xm) * z);
  y = f(y + f(exponent * LN2_LOW));
  y = f(y - f(z * 0.5));
  return f(f(xm + y) + f(exponent * LN2_HIGH));
}

const TWO_TO_MINUS_31 = 2 ** -31;
/** (π/2)·2⁻²², float32: the angle of one step of m within a quadrant. */
const QUADRANT_STEP = f(Math.PI / 2) * 2 ** -22;
const [S0, S1, S2] = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f) as [
  number,
  number,
  number,
];
const [C0, C1, C2] = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f) as [
  number,
  number,
  number,
];

/**
 * Writes the pair of words (w1, w2) at `out[at]` (z1) and `out[at + 4]` (z2), each only where
 * it lies below `end`.
 */
function writePair(w1: number, w2: number, out: Float32Array, at: number, end: number): void {
  const u = f(f((w1 >>> 1) | 1) * TWO_TO_MINUS_31);
  const r = f(Math.sqrt(f(logFloat32(u) * -2)));
  const m = w2 >>> 8;
  const q = (m + (1 << 21)) >>> 22;
  const x = f((m - (q << 22)) * QUADRANT_STEP);
  const x2 = f(x * x);
  const sin = f(f(f(f(f(f(f(S0 * x2) + S1) * x2) + S2) * x2) * x) + x);
  const cos = f(f(f(f(f(f(f(f(C0 * x2) + C1) * x2) + C2) * x2) * x2) - f(x2 * 0.5)) + 1);
  const odd = (q & 1) === 1;
  const zCos = (odd ? sin : cos) * ((q + 1) & 2 ? -1 : 1);
  const zSin = (odd ? cos : sin) * (q & 2 ? -1 : 1);
  out[at] = r * zCos;
  if (at + 4 < end) out[at + 4] = r * zSin;
}

/** The eight lane streams of `key`'s normal stream (`laneKey(key, l)`, l = 0–7). */
export function normalLanes(key: RngKey): Xoshiro128[] {
  return Array.from({ length: NORMAL_LANES }, (_, lane) => new Xoshiro128(laneKey(key, lane)));
}

/**
 * Fills `out` with the first `out.length` N(0, 1) numbers of the stream of `lanes` (which
 * advance by two words per 16 numbers, the last group's whole step even where `out` ends
 * inside it). Lane by lane, as the lanes are independent.
 */
export function fillStandardNormal(lanes: readonly Xoshiro128[], out: Float32Array): Float32Array {
  const n = out.length;
  const groups = Math.ceil(n / NORMAL_GROUP);
  lanes.forEach((lane, l) => {
    const first = (l < 4 ? 0 : 8) + (l & 3);
    for (let g = 0; g < groups; g++) {
      const w1 = lane.nextInt32();
      const w2 = lane.nextInt32();
      const at = g * NORMAL_GROUP + first;
      if (at < n) writePair(w1, w2, out, at, n);
    }
  });
  return out;
}
