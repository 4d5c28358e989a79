import * as tf from '@tensorflow/tfjs-core';
import type { BackendFeatures, BackendProvider } from './backend-provider.js';
import { registerWasmFixes } from './wasm-fixes.js';

/**
 * The `wasm` backend: `@tensorflow/tfjs-backend-wasm`, the embedded default.
 *
 * In Node its `.wasm` binaries are read from the package's own `dist/` folder in
 * node_modules (no network). SIMD is detected and used when the runtime has it (Node ≥ 16
 * does); threads are off in Node because tfjs disables them there (tfjs#3830), and
 * `activate` reports both. Loading also registers the kernel fixes training needs
 * ({@link registerWasmFixes}).
 */
export function createWasmProvider(): BackendProvider {
  return {
    name: 'wasm',
    load: async () => {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmFixes();
    },
    activate: describeWasm,
  };
}

async function describeWasm(): Promise<BackendFeatures> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threadsSupported = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return { simd, threads: threadsSupported && wasm.getThreadsCount() > 1 };
}
