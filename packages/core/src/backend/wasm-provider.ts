import * as tf from '@tensorflow/tfjs-core';
import type { BackendFeatures, BackendProvider } from './backend-provider.js';
import { registerWasmFixes } from './wasm-fixes.js';
import {
  initWasmWithNodeThreads,
  resolveWasmThreads,
  type WasmThreadsChoice,
} from './wasm-node-threads.js';

/** Options of {@link createWasmProvider}. */
export interface WasmProviderOptions {
  /** Where `BAYESRNN_WASM_THREADS` is read; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The `wasm` backend: `@tensorflow/tfjs-backend-wasm`, the embedded default.
 *
 * In Node its `.wasm` binaries are read from the package's own `dist/` folder in
 * node_modules (no network). SIMD is used when the runtime has it (Node ≥ 16 does). In Node
 * the threaded SIMD build runs with one thread per core, which tfjs itself leaves off there
 * (tfjs#3830; how it is switched on: `wasm-node-threads.ts`); `BAYESRNN_WASM_THREADS=off`
 * or a count overrides that. `activate` reports SIMD and the thread count. Loading also
 * registers the kernel fixes training needs ({@link registerWasmFixes}) and initialises the
 * backend, since the thread pool is sized at initialisation.
 */
export function createWasmProvider(options: WasmProviderOptions = {}): BackendProvider {
  let choice: WasmThreadsChoice = { threads: 1, reason: 'not loaded' };
  return {
    name: 'wasm',
    load: async () => {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmFixes();
      const env = options.env ?? (typeof process === 'undefined' ? {} : process.env);
      choice = resolveWasmThreads(env, await logicalCores());
      if (choice.threads > 1) {
        await initWasmWithNodeThreads(choice.threads, () => tf.setBackend('wasm'));
      }
    },
    activate: () => describeWasm(choice),
  };
}

async function logicalCores(): Promise<number> {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') return 1;
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
  return { simd, threads: threadCount > 1, threadCount, threadsReason: reason };
}
