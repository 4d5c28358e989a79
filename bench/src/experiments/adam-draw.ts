/**
 * Would fusing Adam's step on μ and ρ with the next step's draw save BBB time? The committed
 * kernels run Adam on μ, Adam on ρ, then the next step's draw with its KL: three passes. Adam's
 * passes wait on memory; the draw waits on its arithmetic. `bench/wasm/adam-draw.c` does all
 * three in one pass. It is compiled here together with the committed kernels, so both sides run
 * from one module. Both sides run on one thread over the PTB-small weights (4.6M), under the
 * paper's scale mixture, interleaved over 20 rounds. The experiment prints the medians, and
 * whether the two sides write the same bits. Needs clang and lld with the wasm32 target
 * (`apt-get install -y clang lld`): `npx turbo run build --filter=./bench...`, then
 * `node bench/dist/experiments/adam-draw.js`.
 */
import { NORMAL_BLOCK } from '@bayesrnn/core';
import { compileBenchWasm, type Kernel, wasm } from './bench-wasm.js';

const SIZE = 4_600_000;
const ROUNDS = 20;
const KEY = [12_345, -678] as const;
const TABLE = 64 * 1024; // above the 64 KiB that wasm-ld leaves for a stack (none is used)
const FIRST_ARRAY = 1024 * 1024;
// adam-draw.c's table order: eight inputs, six Adam outputs, five draw outputs.
const NAMES = ['mu', 'rho', 'gMu', 'gRho', 'mMu', 'vMu', 'mRho', 'vRho'] as const;
const OUTPUTS = ['muOut', 'rhoOut', 'mMuOut', 'vMuOut', 'mRhoOut', 'vRhoOut'] as const;
const DRAWN = ['theta', 'eps', 'sigma', 'expRho', 'dlogp'] as const;
const ARRAYS = [...NAMES, ...OUTPUTS, ...DRAWN];
type ArrayName = (typeof ARRAYS)[number];

const pages = Math.ceil((FIRST_ARRAY + ARRAYS.length * SIZE * 4) / 65_536) + 1;
const memory = new wasm.Memory({ initial: pages, maximum: 65_536 });
const instantiate = (defines: readonly string[]) =>
  new wasm.Instance(
    new wasm.Module(
      compileBenchWasm(
        'bench/wasm/adam-draw.c',
        ['adam_draw', 'adam_step', 'gaussian_draw_kl'],
        defines,
      ),
    ),
    { env: { memory } },
  ).exports;
const kernels = instantiate([]);
const sliced = instantiate(['SLICE_THEN_DRAW']);
const offset = (name: ArrayName) => FIRST_ARRAY + ARRAYS.indexOf(name) * SIZE * 4;
const floats = (name: ArrayName) => new Float32Array(memory.buffer, offset(name), SIZE);
new Int32Array(memory.buffer, TABLE, ARRAYS.length).set(ARRAYS.map(offset));

// μ ~ U(−0.05, 0.05), σ in [0.046, 0.092] (the posterior's default), small gradients, moments
// of a few steps' size: a deterministic hash, so every run sees the same numbers.
const hash = (i: number, salt: number) => (Math.imul(i + 1, 2_654_435_761 ^ salt) >>> 0) / 2 ** 32;
const fill = (name: ArrayName, value: (u: number) => number, salt: number) => {
  const x = floats(name);
  for (let i = 0; i < SIZE; i++) x[i] = value(hash(i, salt));
};
fill('mu', (u) => u / 10 - 0.05, 1);
fill('rho', (u) => Math.log(Math.expm1(0.046 + 0.046 * u)), 2);
fill('gMu', (u) => (u - 0.5) * 1e-3, 3);
fill('gRho', (u) => (u - 0.5) * 1e-3, 4);
fill('mMu', (u) => (u - 0.5) * 1e-4, 5);
fill('mRho', (u) => (u - 0.5) * 1e-4, 6);
fill('vMu', (u) => u * 1e-7, 7);
fill('vRho', (u) => u * 1e-7, 8);

// The scale mixture π = 1/4, σ1 = e^−1, σ2 = e^−7 as gaussian-draw.c's A, B, D, K (M = 1).
const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);
const [offset1, offset2] = [Math.log(0.25) + 1 - halfLogTwoPi, Math.log(0.75) + 7 - halfLogTwoPi];
const [a, b, d, k] = [
  offset1,
  Math.exp(2) / 2,
  offset2 - offset1,
  (Math.exp(14) - Math.exp(2)) / 2,
];
const blocks = Math.ceil(SIZE / NORMAL_BLOCK);
const floor = 1e-5;
// Adam at step 10 with β = (0.9, 0.999), η = 1e-3, ε = 1e-8, the corrections as float32 numbers.
const [beta1, beta2] = [0.9, 0.999];
const adam = [beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1 ** 10, 1 - beta2 ** 10, 1e-3, 1e-8];

const adamStep = (p: ArrayName, g: ArrayName, m: ArrayName, v: ArrayName, out: ArrayName[]) =>
  kernels.adam_step?.(
    offset(p),
    offset(g),
    offset(m),
    offset(v),
    ...out.map(offset),
    SIZE,
    ...adam,
    1,
  );
const separate = () => {
  adamStep('mu', 'gMu', 'mMu', 'vMu', ['muOut', 'mMuOut', 'vMuOut']);
  adamStep('rho', 'gRho', 'mRho', 'vRho', ['rhoOut', 'mRhoOut', 'vRhoOut']);
  const drawn = ['muOut', 'rhoOut', 'theta', 'eps', 'sigma', 'expRho', 'dlogp'] as const;
  return kernels.gaussian_draw_kl?.(
    ...drawn.map(offset),
    SIZE,
    KEY[0],
    KEY[1],
    0,
    blocks,
    floor,
    1,
    a,
    b,
    d,
    k,
    1,
  ) as number;
};
const adamDraw = (module: Record<string, Kernel>) => () =>
  module.adam_draw?.(TABLE, SIZE, KEY[0], KEY[1], 0, blocks, floor, a, b, d, k, ...adam) as number;

/** The outputs of one call of `run`, copied, with its KL. */
const outputs = (run: () => number) => {
  const kl = run();
  return { kl, arrays: [...OUTPUTS, ...DRAWN].map((name) => floats(name).slice()) };
};
const sides: Array<[string, () => number]> = [
  ['Adam on μ and ρ, then the draw (committed kernels)', separate],
  ['fused, element by element (adam-draw.c)', adamDraw(kernels)],
  [
    'fused, Adam then the draw a noise slice at a time (adam-draw.c, SLICE_THEN_DRAW)',
    adamDraw(sliced),
  ],
];
const [reference, ...fusedOutputs] = sides.map(([, run]) => outputs(run));
/** Elements of every output array where `other` differs from the committed kernels' bits. */
const differing = (other: ReturnType<typeof outputs>) =>
  reference?.arrays.reduce(
    (count, x, j) =>
      count + x.reduce((c, value, i) => c + (Object.is(value, other.arrays[j]?.[i]) ? 0 : 1), 0),
    0,
  );

const times = sides.map((): number[] => []);
for (let round = 0; round < ROUNDS; round++) {
  sides.forEach(([, run], s) => {
    const started = performance.now();
    run();
    times[s]?.push(performance.now() - started);
  });
}
const median = (x: number[]) =>
  [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)] ?? Number.NaN;
for (const [s, [name]] of sides.entries()) {
  console.log(
    `${median(times[s] ?? [])
      .toFixed(2)
      .padStart(7)} ms  ${name}`,
  );
}
for (const [f, other] of fusedOutputs.entries()) {
  console.log(
    `${sides[f + 1]?.[0]}: ${differing(other)} of ${(OUTPUTS.length + DRAWN.length) * SIZE} ` +
      `output elements differ from the committed kernels'; KL ${reference?.kl} against ${other.kl}`,
  );
}
