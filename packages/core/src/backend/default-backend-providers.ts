import type { BackendProvider } from './backend-provider.js';
import { createCpuProvider } from './cpu-provider.js';
import { createTensorflowProvider } from './tensorflow-provider.js';
import { createWasmProvider } from './wasm-provider.js';
import { createWebgpuProvider } from './webgpu-provider.js';

/** Options of {@link createDefaultBackendProviders}. */
export interface DefaultBackendProvidersOptions {
  /** Where settings such as `BAYESRNN_WASM_THREADS` are read; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The providers `selectBackend` tries when none are injected, in automatic order: native
 * `tensorflow` (CUDA or CPU), `webgpu` (any GPU WebGPU reaches, where its packages are
 * installed), the embedded `wasm`, then `cpu`. DESIGN.md "Backends" lists the same order.
 */
export function createDefaultBackendProviders(
  options: DefaultBackendProvidersOptions = {},
): readonly BackendProvider[] {
  return [
    createTensorflowProvider(),
    createWebgpuProvider(),
    createWasmProvider(options),
    createCpuProvider(),
  ];
}
