/**
 * For experiments that time a C prototype from `bench/wasm/` beside the committed kernels: the
 * WebAssembly constructors (the bench's `lib` does not declare them) and clang compiling a
 * source as `scripts/build-wasm-kernel.sh` compiles a kernel, for a plain imported memory.
 * Needs clang and lld with the wasm32 target (`apt-get install -y clang lld`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { benchRoot } from '../bench-root.js';

/** A kernel export: numbers in, a number (or nothing) out. */
export type Kernel = (...args: number[]) => number;

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, Kernel> };
}

/** `globalThis.WebAssembly`, typed. */
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * `source` (a path from the repository root, e.g. `bench/wasm/ziggurat.c`) compiled with its
 * `exports` exported and each of `defines` as `-D`, importing its memory (up to 4 GiB).
 */
export function compileBenchWasm(
  source: string,
  exports: readonly string[],
  defines: readonly string[] = [],
): Uint8Array {
  const root = dirname(benchRoot());
  const work = mkdtempSync(join(tmpdir(), 'bench-wasm-'));
  const out = join(work, `${basename(source, '.c')}.wasm`);
  const run = spawnSync('clang', [
    ...['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-fno-builtin'],
    ...['-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--max-memory=4294967296'],
    ...exports.map((name) => `-Wl,--export=${name}`),
    ...defines.map((name) => `-D${name}`),
    ...['-o', out, join(root, source)],
  ]);
  try {
    if (run.error !== undefined || run.status !== 0) {
      throw new Error(`clang could not build ${source}: ${run.error ?? run.stderr}`);
    }
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
