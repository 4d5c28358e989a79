import type { WordStream, Xoshiro128 } from './xoshiro128.js';

/**
 * Standard normal variates by the ziggurat method (Marsaglia & Tsang 2000, "The Ziggurat
 * Method for Generating Random Variables", J. Stat. Softw. 5(8)), 128 layers. About 98.8% of
 * draws take the fast path: one word, one table lookup, one compare, one multiply. The rest
 * sample the wedge by rejection or the tail beyond `R` by Marsaglia's exponential method, so
 * the output is exactly N(0, 1) up to the 32-bit resolution of the words.
 */
const LAYERS = 128;
/** Start of the tail (the rightmost layer's edge). */
const R = 3.442619855899;
/** Area of each layer, and of the base strip plus the tail. */
const V = 9.91256303526217e-3;
const M1 = 2 ** 31;

const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
buildTables();

/**
 * The layer tables, for the C kernel that draws the same numbers on the wasm heap
 * (`wasm/ziggurat.c`): it reads these very doubles rather than recomputing them.
 */
export const ZIGGURAT_TABLES: {
  readonly kn: Readonly<Int32Array>;
  readonly wn: Readonly<Float64Array>;
  readonly fn: Readonly<Float64Array>;
} = { kn, wn, fn };

/** The layer tables of Marsaglia & Tsang's `zigset` for the normal density exp(−x²/2). */
function buildTables(): void {
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * M1);
  kn[1] = 0;
  wn[0] = q / M1;
  wn[LAYERS - 1] = dn / M1;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i -= 1) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * M1);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M1;
  }
}

/** One N(0, 1) draw from the stream. */
export function nextStandardNormal(stream: WordStream): number {
  const hz = stream.nextInt32();
  const iz = hz & (LAYERS - 1);
  if (Math.abs(hz) < (kn[iz] as number)) return hz * (wn[iz] as number);
  return slowPath(stream, hz, iz);
}

/** A draw whose first word missed the fast path: wedge rejection, the tail, or a retry. */
function slowPath(stream: WordStream, firstWord: number, firstLayer: number): number {
  let hz = firstWord;
  let iz = firstLayer;
  while (true) {
    if (Math.abs(hz) < (kn[iz] as number)) return hz * (wn[iz] as number);
    if (iz === 0) return tail(stream, hz);
    const x = hz * (wn[iz] as number);
    const top = fn[iz - 1] as number;
    const bottom = fn[iz] as number;
    if (bottom + stream.nextUnit() * (top - bottom) < Math.exp(-0.5 * x * x)) return x;
    hz = stream.nextInt32();
    iz = hz & (LAYERS - 1);
  }
}

/** The tail |x| > R, sampled by Marsaglia's method (1964); the sign comes from `hz`. */
function tail(stream: WordStream, hz: number): number {
  let x: number;
  let y: number;
  do {
    x = -Math.log(1 - stream.nextUnit()) / R;
    y = -Math.log(1 - stream.nextUnit());
  } while (y + y < x * x);
  return hz > 0 ? R + x : -R - x;
}

/**
 * Fills `out` with N(0, 1) draws from the stream, in index order: the same numbers as calling
 * {@link nextStandardNormal} `out.length` times. The fast path steps xoshiro128** inline on
 * local copies of the state (about 3× faster than a call per word); the rare slow path writes
 * the state back and calls the general code.
 */
export function fillStandardNormal(stream: Xoshiro128, out: Float32Array): Float32Array {
  const state = stream.state;
  let s0 = (state[0] as number) | 0;
  let s1 = (state[1] as number) | 0;
  let s2 = (state[2] as number) | 0;
  let s3 = (state[3] as number) | 0;
  for (let i = 0; i < out.length; i += 1) {
    const product = Math.imul(s1, 5);
    const hz = Math.imul((product << 7) | (product >>> 25), 9) | 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const iz = hz & (LAYERS - 1);
    if (Math.abs(hz) < (kn[iz] as number)) {
      out[i] = hz * (wn[iz] as number);
      continue;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    out[i] = slowPath(stream, hz, iz);
    s0 = (state[0] as number) | 0;
    s1 = (state[1] as number) | 0;
    s2 = (state[2] as number) | 0;
    s3 = (state[3] as number) | 0;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
  return out;
}
