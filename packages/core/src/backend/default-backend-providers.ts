import type { BackendProvider } from './backend-provider.js';
import { createCpuProvider } from './cpu-provider.js';
import { createTensorflowProvider } from './tensorflow-provider.js';
import { createWasmProvider } from './wasm-provider.js';

/** Options of {@link createDefaultBackendProviders}. */
export interface DefaultBackendProvidersOptions {
  /** Where settings such as `BAYESRNN_WASM_THREADS` are read; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The providers `selectBackend` tries when none are injected, in the automatic order of
 * DESIGN.md "Backends": native `tensorflow`, then `wasm`, then `cpu`.
 */
export function createDefaultBackendProviders(
  options: DefaultBackendProvidersOptions = {},
): readonly BackendProvider[] {
  return [createTensorflowProvider(), createWasmProvider(options), createCpuProvider()];
}
