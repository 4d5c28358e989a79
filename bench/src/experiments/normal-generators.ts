/**
 * The N(0, 1) numbers that BBB, sharpening and pSGLD draw every step (one per weight, 4.6M on
 * PTB-small), by the committed generator (`packages/core/wasm/normal.h`: eight xoshiro128**
 * lanes and Box–Muller in WebAssembly SIMD) against the ziggurat it replaced
 * (`bench/wasm/ziggurat.c`, compiled here), on one thread over 4.6M numbers, the two
 * interleaved in one process; and both samples' first four moments, as a sanity check.
 * Needs clang and lld with the wasm32 target (`apt-get install -y clang lld`):
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/normal-generators.js`.
 */
import { NORMAL_BLOCK, NORMAL_MODULE } from '@bayesrnn/core';
import { summarise } from '../stats.js';
import { compileBenchWasm, type Kernel, wasm } from './bench-wasm.js';

const SIZE = 4_600_000;
const ROUNDS = 30;
const KEY = [12_345, -678] as const;
const TABLES = 64 * 1024; // above the ziggurat module's 64 KiB stack, below the arrays
const OUT = 128 * 1024;

/** Marsaglia & Tsang's layer tables (`zigset`), in the layout `bench/wasm/ziggurat.c` reads. */
function writeZigguratTables(buffer: ArrayBuffer, at: number): void {
  const [layers, r, v, m1] = [128, 3.442619855899, 9.91256303526217e-3, 2 ** 31];
  const wn = new Float64Array(buffer, at, layers);
  const fn = new Float64Array(buffer, at + 1024, layers);
  const kn = new Int32Array(buffer, at + 2048, layers);
  let dn = r;
  let tn = dn;
  const q = v / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * m1);
  kn[1] = 0;
  wn[0] = q / m1;
  wn[layers - 1] = dn / m1;
  fn[0] = 1;
  fn[layers - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = layers - 2; i >= 1; i -= 1) {
    dn = Math.sqrt(-2 * Math.log(v / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
}

const memory = new wasm.Memory({
  initial: Math.ceil((OUT + 4 * SIZE) / 65_536) + 1,
  maximum: 65_536,
});
const instantiate = (bytes: Uint8Array) =>
  new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports;
writeZigguratTables(memory.buffer, TABLES);
const ziggurat = instantiate(compileBenchWasm('bench/wasm/ziggurat.c', ['fill_ziggurat']))
  .fill_ziggurat as Kernel;
const boxMuller = instantiate(Buffer.from(NORMAL_MODULE.plain, 'base64'))
  .fill_standard_normal_blocks as Kernel;
const blocks = Math.ceil(SIZE / NORMAL_BLOCK);
const generators: Array<[string, () => void]> = [
  ['ziggurat (before)', () => ziggurat(OUT, SIZE, TABLES, KEY[0], KEY[1])],
  ['Box–Muller lanes (committed)', () => boxMuller(OUT, SIZE, KEY[0], KEY[1], 0, blocks)],
];

/** Mean, variance, skewness and kurtosis of the numbers the last call left. */
function moments(): string {
  const x = new Float32Array(memory.buffer, OUT, SIZE);
  const sums = [0, 0, 0, 0];
  for (const value of x) {
    for (let k = 0; k < 4; k++) sums[k] = (sums[k] as number) + value ** (k + 1);
  }
  return sums.map((s) => (s / SIZE).toFixed(4)).join(' / ');
}

const times = generators.map((): number[] => []);
const stats = generators.map(() => '');
for (let round = 0; round < ROUNDS + 3; round++) {
  generators.forEach(([, fill], g) => {
    const started = performance.now();
    fill();
    if (round >= 3) times[g]?.push(performance.now() - started);
    if (round === 0) stats[g] = moments();
  });
}
console.log(`${SIZE} N(0, 1) numbers on one thread, median of ${ROUNDS} interleaved rounds:`);
generators.forEach(([name], g) => {
  const median = summarise(times[g] ?? []).median;
  const ns = (median * 1e6) / SIZE;
  console.log(
    `  ${name}: ${median.toFixed(2)} ms (${ns.toFixed(2)} ns a number); E x, x², x³, x⁴: ${stats[g]}`,
  );
});
