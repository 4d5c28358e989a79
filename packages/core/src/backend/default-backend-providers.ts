import type { BackendProvider } from './backend-provider.js';
import { createCpuProvider } from './cpu-provider.js';
import { createTensorflowProvider } from './tensorflow-provider.js';
import { createWasmProvider } from './wasm-provider.js';

/**
 * The providers `selectBackend` tries when none are injected, in the automatic order of
 * DESIGN.md "Backends": native `tensorflow`, then `wasm`, then `cpu`.
 */
export function createDefaultBackendProviders(): readonly BackendProvider[] {
  return [createTensorflowProvider(), createWasmProvider(), createCpuProvider()];
}
