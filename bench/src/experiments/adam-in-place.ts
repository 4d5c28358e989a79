/**
 * Would Adam's step be cheaper written in place? The fused step (`packages/train/wasm/adam-step.c`)
 * reads θ, g, m, v and writes θ', m', v' into new tensors, as every tfjs kernel must. A store to
 * memory that is not in the cache first reads the line (a read for ownership), so new outputs
 * cost three extra streams that overwriting the inputs, just read, would not. The committed
 * kernel over the PTB-small weights (4.6M) on one thread, out of place and in place (outputs at
 * the inputs' offsets), interleaved over 30 rounds: medians, and whether both write the same
 * bits. Needs clang and lld with the wasm32 target: `node bench/dist/experiments/adam-in-place.js`.
 */
import { median } from '../stats.js';
import { compileBenchWasm, wasm } from './bench-wasm.js';

const SIZE = 4_600_000;
const ROUNDS = 30;
const FIRST_ARRAY = 1024 * 1024;
const ARRAYS = ['theta', 'g', 'm', 'v', 'thetaOut', 'mOut', 'vOut'] as const;
type ArrayName = (typeof ARRAYS)[number];

const pages = Math.ceil((FIRST_ARRAY + ARRAYS.length * SIZE * 4) / 65_536) + 1;
const memory = new wasm.Memory({ initial: pages, maximum: 65_536 });
const { adam_step: adamStep } = new wasm.Instance(
  new wasm.Module(compileBenchWasm('packages/train/wasm/adam-step.c', ['adam_step'])),
  { env: { memory } },
).exports;
if (adamStep === undefined) throw new Error('adam-in-place: adam_step not exported');
const offset = (name: ArrayName) => FIRST_ARRAY + ARRAYS.indexOf(name) * SIZE * 4;
const floats = (name: ArrayName) => new Float32Array(memory.buffer, offset(name), SIZE);

// Weights, gradients and moments of a few steps' size, from a deterministic hash.
const hash = (i: number, salt: number) => (Math.imul(i + 1, 2_654_435_761 ^ salt) >>> 0) / 2 ** 32;
const starts: Record<'theta' | 'g' | 'm' | 'v', (u: number) => number> = {
  theta: (u) => u / 10 - 0.05,
  g: (u) => (u - 0.5) * 1e-3,
  m: (u) => (u - 0.5) * 1e-4,
  v: (u) => u * 1e-7,
};
const reset = () => {
  for (const [salt, [name, value]] of Object.entries(starts).entries()) {
    const x = floats(name as ArrayName);
    for (let i = 0; i < SIZE; i++) x[i] = value(hash(i, salt));
  }
};
// β = (0.9, 0.999), corrections of step 10, η = 1e-3, ε = 1e-8, no clipping.
const scalars = [0.9, 0.1, 0.999, 0.001, 1 - 0.9 ** 10, 1 - 0.999 ** 10, 1e-3, 1e-8, 1];
const inputs = (['theta', 'g', 'm', 'v'] as const).map(offset);
const run = (outputs: readonly ArrayName[]) => {
  const started = process.hrtime.bigint();
  adamStep(...inputs, ...outputs.map(offset), SIZE, ...scalars);
  return Number(process.hrtime.bigint() - started) / 1e6;
};

// The same bits: one step each way from the same start.
reset();
run(['thetaOut', 'mOut', 'vOut']);
const outOfPlaceBits = ['thetaOut', 'mOut', 'vOut'].map((name) =>
  floats(name as ArrayName).slice(),
);
run(['theta', 'm', 'v']);
const same = ['theta', 'm', 'v'].every((name, i) =>
  floats(name as ArrayName).every((x, j) => Object.is(x, outOfPlaceBits[i]?.[j])),
);

// Timing: repeated steps drift the values a little, the same for both sides.
const times = { outOfPlace: [] as number[], inPlace: [] as number[] };
for (let round = 0; round < ROUNDS; round += 1) {
  times.outOfPlace.push(run(['thetaOut', 'mOut', 'vOut']));
  times.inPlace.push(run(['theta', 'm', 'v']));
}
const [outside, inside] = [median(times.outOfPlace), median(times.inPlace)];
console.log(`Adam over ${SIZE.toLocaleString('en')} weights, one thread, medians of ${ROUNDS}:`);
console.log(`  out of place (new θ', m', v'): ${outside.toFixed(2)} ms`);
console.log(
  `  in place (over θ, m, v):       ${inside.toFixed(2)} ms (${(inside / outside).toFixed(2)}×)`,
);
console.log(`  same bits: ${same}`);
