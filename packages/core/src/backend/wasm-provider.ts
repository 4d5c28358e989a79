import * as tf from '@tensorflow/tfjs-core';
import type { BackendFeatures, BackendProvider } from './backend-provider.js';
import { registerWasmFixes } from './wasm-fixes.js';
import { relaxedSimdAvailable, wasmGemmSettings } from './wasm-gemm-settings.js';
import { guardWasmHeap } from './wasm-heap-guard.js';
import { startKernelHelpers } from './wasm-kernel-helpers.js';
import {
  initWasmWithNodeThreads,
  isNode,
  resolveWasmThreads,
  type WasmThreadsChoice,
} from './wasm-node-threads.js';

/** Options of {@link createWasmProvider}. */
export interface WasmProviderOptions {
  /** Where `BAYESRNN_WASM_THREADS` and `BAYESRNN_WASM_HELPERS` are read; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The `wasm` backend: `@tensorflow/tfjs-backend-wasm`, the embedded default.
 *
 * In Node its `.wasm` binaries are read from the package's own `dist/` folder in
 * node_modules (no network). SIMD is used when the runtime has it (Node ≥ 16 does). In Node
 * the threaded SIMD build runs with one thread per core, which tfjs itself leaves off there
 * (tfjs#3830; how it is switched on: `wasm-node-threads.ts`); `BAYESRNN_WASM_THREADS=off`
 * or a count overrides that. With threads, `activate` also starts helper threads for this
 * project's own kernels (`wasm-kernel-helpers.ts`; `BAYESRNN_WASM_HELPERS=off` keeps them on
 * the calling thread). `activate` reports SIMD, whether products fuse multiply-adds (the
 * relaxed-SIMD gemm, `wasm-gemm-settings.ts`) and the thread counts. Loading also
 * registers the kernel fixes training needs ({@link registerWasmFixes}) and initialises the
 * backend, since the thread pool is sized at initialisation. `activate` guards the heap, so
 * that a tensor that does not fit in wasm32's 4 GiB fails with a clear error instead of
 * corrupting the heap ({@link guardWasmHeap}).
 */
export function createWasmProvider(options: WasmProviderOptions = {}): BackendProvider {
  let choice: WasmThreadsChoice = { threads: 1, reason: 'not loaded' };
  const env = options.env ?? (typeof process === 'undefined' ? {} : process.env);
  return {
    name: 'wasm',
    load: async () => {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmFixes();
      choice = resolveWasmThreads(env, await logicalCores());
      if (choice.threads > 1) {
        await initWasmWithNodeThreads(choice.threads, () => tf.setBackend('wasm'));
      }
    },
    activate: async () => {
      guardWasmHeap(tf.backend());
      const features = await describeWasm(choice);
      if (!features.threads) return features;
      const helpers = await startKernelHelpers(features.threadCount ?? 1, env);
      const ours = helpers.threads > 1 ? `${helpers.threads} threads` : `1 (${helpers.reason})`;
      return { ...features, threadsReason: `${features.threadsReason}; bayesrnn kernels: ${ours}` };
    },
  };
}

async function logicalCores(): Promise<number> {
  if (!isNode()) return 1;
  const os = (await import('node:os')).default;
  return os.availableParallelism?.() ?? os.cpus().length;
}

async function describeWasm(choice: WasmThreadsChoice): Promise<BackendFeatures> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threadCount = wasm.getThreadsCount();
  const reason =
    threadCount === choice.threads
      ? choice.reason
      : `${choice.reason}; the pool gave ${threadCount}`;
  return { simd, threads: threadCount > 1, threadCount, threadsReason: reason, ...describeFma() };
}

/** Whether the gemm fuses multiply-adds, and why not (`wasm-gemm-settings.ts`). */
function describeFma(): Pick<BackendFeatures, 'fusedMultiplyAdd' | 'fusedMultiplyAddReason'> {
  if (wasmGemmSettings().fusedMultiplyAdd) return { fusedMultiplyAdd: true };
  const reason = relaxedSimdAvailable()
    ? 'switched off by configureWasmGemm'
    : 'no relaxed SIMD (Node ≥ 22, or Node 20 with --experimental-wasm-relaxed-simd)';
  return { fusedMultiplyAdd: false, fusedMultiplyAddReason: reason };
}
