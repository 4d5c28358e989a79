/**
 * Can the noise that BBB, sharpening and pSGLD draw every step come faster? Two variants of the
 * C ziggurat, each bit for bit the committed numbers, timed against it on one thread over the
 * PTB-small weight count (4.6M) in one process:
 * - `bench/wasm/ziggurat-lanes.c`: the streams of four blocks in the lanes of one vector;
 * - `bench/wasm/ziggurat-interleaved.c`: pSGLD's step with its normals drawn four at a time
 *   beside the arithmetic that uses them, against `psgld_noisy_step` compiled beside it.
 * Needs clang and lld with the wasm32 target (`apt-get install -y clang lld`), as
 * `scripts/build-wasm-kernel.sh` does: `npx turbo run build --filter=./bench...`, then
 * `node bench/dist/experiments/ziggurat-variants.js`. The figures are in docs/results.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, wasmHeapFloat32, ZIGGURAT_MODULE, zigguratTables } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { summarise } from '../stats.js';

type Kernel = (...args: number[]) => unknown;
/** The WebAssembly constructors used here (the bench's `lib` does not declare them). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, Kernel> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const WHERE = 'ziggurat-variants';
const SIZE = 4_600_000;
const BLOCK = 65_536;
const ROUNDS = 30;
const KEY = [12_345, -678];
const PSGLD = [0.99, 0.01, 1e-5, 1e-3, 0, 2e-6, 0.9]; // β, 1 − β, λ, η, c, s, clipping scale
const TABLE_BYTES = 2560;
// Above a variant's stack (wasm-ld puts 64 KiB of it at [1 KiB, 65 KiB), growing down), below
// the arrays.
const TABLES = 128 * 1024;
const ARRAYS = 1 << 20;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ziggurat-variants-'));

/** A C file of bench/wasm compiled as build-wasm-kernel.sh compiles a kernel (plain memory). */
function compile(name: string, exports: readonly string[]): Uint8Array {
  const out = join(work, `${name}.wasm`);
  const flags = ['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-fno-builtin'];
  const link = [
    '-Wl,--no-entry',
    '-Wl,--import-memory',
    ...exports.map((e) => `-Wl,--export=${e}`),
  ];
  const run = spawnSync('clang', [
    ...flags,
    ...link,
    '-o',
    out,
    join(root, 'bench/wasm', `${name}.c`),
  ]);
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(`clang could not build bench/wasm/${name}.c: ${run.error ?? run.stderr}`);
  }
  return readFileSync(out);
}

const memory = new wasm.Memory({
  initial: Math.ceil((ARRAYS + 8 * 4 * (SIZE + 64)) / 65_536),
});
function instantiate(bytes: Uint8Array): Record<string, Kernel> {
  return new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports;
}

// The layer tables as the committed kernels read them, copied out of the wasm backend's heap.
await selectBackend({ name: 'wasm', log: () => {} });
const heapTables = wasmHeapFloat32(
  tf.backend(),
  zigguratTables(tf.backend(), WHERE),
  TABLE_BYTES / 4,
  WHERE,
);
new Uint8Array(memory.buffer, TABLES, TABLE_BYTES).set(
  new Uint8Array(heapTables.buffer, heapTables.byteOffset, TABLE_BYTES),
);

const committed = instantiate(Buffer.from(ZIGGURAT_MODULE.plain, 'base64'));
const lanes = instantiate(compile('ziggurat-lanes', ['fill_standard_normal_lanes']));
const psgld = instantiate(
  compile('ziggurat-interleaved', ['psgld_noisy_step', 'psgld_noisy_step_interleaved']),
);

let next = ARRAYS;
const array = (): number => {
  const at = next;
  next += 4 * (SIZE + 64);
  return at;
};
const view = (at: number, n = SIZE + 8) => new Float32Array(memory.buffer, at, n);
const [theta, g, v, outA, vA, outB, vB] = [
  array(),
  array(),
  array(),
  array(),
  array(),
  array(),
  array(),
];
let seed = 1;
for (const [at, scale] of [
  [theta, 0.1],
  [g, 0.01],
  [v, 1e-4],
] as const) {
  const x = view(at, SIZE);
  for (let i = 0; i < SIZE; i += 1) {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    x[i] = scale * (at === v ? seed / 0x7fffffff : seed / 0x7fffffff - 0.5);
  }
}

const fillWith = (kernel: Kernel | undefined, out: number, n: number, first: number, end: number) =>
  kernel?.(out, n, TABLES, KEY[0] ?? 0, KEY[1] ?? 0, first, end);
const stepWith = (
  kernel: Kernel | undefined,
  out: number,
  vOut: number,
  n: number,
  first: number,
  end: number,
) => kernel?.(theta, g, v, out, vOut, n, TABLES, KEY[0] ?? 0, KEY[1] ?? 0, first, end, ...PSGLD);

/** Whether both ways give the same float32s (and nothing written past n), over sizes and splits. */
function sameNumbers(
  run: (out: number, vOut: number, n: number, first: number, end: number) => void,
  base: typeof run,
): boolean {
  for (const n of [1, 5, 2049, BLOCK - 1, BLOCK + 1, 3 * BLOCK + 101, 6 * BLOCK + 7, SIZE]) {
    const blocks = Math.ceil(n / BLOCK);
    for (const [first, end] of [
      [0, blocks],
      [1, blocks],
      [0, 1],
      [2, blocks + 3],
    ] as const) {
      for (const at of [outA, vA, outB, vB]) view(at).fill(7);
      base(outA, vA, n, first, end);
      run(outB, vB, n, first, end);
      const [a, b, c, d] = [view(outA), view(outB), view(vA), view(vB)];
      for (let i = 0; i < n + 8; i += 1) {
        if (!Object.is(a[i], b[i]) || !Object.is(c[i], d[i])) return false;
      }
    }
  }
  return true;
}

/** Median ms of `ROUNDS` calls of each, interleaved, over the whole 4.6M on one thread. */
function timeBoth(base: () => void, variant: () => void): [number, number] {
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < ROUNDS + 5; round += 1) {
    for (const [k, f] of [base, variant].entries()) {
      const started = performance.now();
      f();
      if (round >= 5) times[k as 0 | 1].push(performance.now() - started);
    }
  }
  return [summarise(times[0]).median, summarise(times[1]).median];
}

const all = Math.ceil(SIZE / BLOCK);
const fillCommitted = (out: number, _v: number, n: number, f: number, e: number) =>
  void fillWith(committed.fill_standard_normal_blocks, out, n, f, e);
const fillLanes = (out: number, _v: number, n: number, f: number, e: number) =>
  void fillWith(lanes.fill_standard_normal_lanes, out, n, f, e);
const stepCommitted = (out: number, vOut: number, n: number, f: number, e: number) =>
  void stepWith(psgld.psgld_noisy_step, out, vOut, n, f, e);
const stepInterleaved = (out: number, vOut: number, n: number, f: number, e: number) =>
  void stepWith(psgld.psgld_noisy_step_interleaved, out, vOut, n, f, e);

const f = (x: number) => x.toFixed(2);
const fills = timeBoth(
  () => fillCommitted(outA, vA, SIZE, 0, all),
  () => fillLanes(outB, vB, SIZE, 0, all),
);
console.log(
  `normals, 4.6M on one thread: committed ${f(fills[0])} ms, four block streams in SIMD lanes ${f(fills[1])} ms; same numbers: ${sameNumbers(fillLanes, fillCommitted)}`,
);
const steps = timeBoth(
  () => stepCommitted(outA, vA, SIZE, 0, all),
  () => stepInterleaved(outB, vB, SIZE, 0, all),
);
console.log(
  `pSGLD step, 4.6M on one thread: noise a slice ahead ${f(steps[0])} ms, four draws beside each vector ${f(steps[1])} ms; same numbers: ${sameNumbers(stepInterleaved, stepCommitted)}`,
);
rmSync(work, { recursive: true, force: true });
