import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, requireInput, type WasmBackend } from './wasm-kernel-utils.js';
import { SOFTPLUS_WASM_PLAIN, SOFTPLUS_WASM_SHARED } from './wasm-kernels.generated.js';

/** `softplus(x, y, n)`: writes `softplus(x[i])` to `y[i]`; x and y are heap byte offsets. */
export type SoftplusExport = (xOffset: number, yOffset: number, size: number) => void;

/** A `WebAssembly.Memory`, typed here: not every consumer's `lib` declares WebAssembly. */
export interface LinearMemory {
  readonly buffer: ArrayBufferLike;
}

/** The two WebAssembly constructors this file uses. */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

/** The memory-owning Emscripten module behind the backend (not in tfjs's public types). */
interface EmscriptenMemory {
  /** The threaded build's (shared) memory. */
  readonly wasmMemory?: LinearMemory;
  /** The single-threaded build's memory, exported by its module. */
  readonly asm?: { readonly memory?: LinearMemory };
}

/** The original kernel, kept so {@link unregisterWasmSoftplus} can restore it. */
let original: KernelConfig | undefined;

/** One instance of the module per tfjs heap it works in. */
const instances = new WeakMap<LinearMemory, SoftplusExport>();

/**
 * Replaces tfjs-backend-wasm's `Softplus` with this package's SIMD one
 * (`packages/core/wasm/softplus.c`).
 *
 * tfjs's kernel calls scalar `log1p(exp(x))` per element, about 15 ns each: half of a
 * Bayes-by-Backprop step's overhead, which takes σ = softplus(ρ) of every weight and the
 * scale-mixture prior's softplus each step (4.6M elements each for PTB-small). This one does
 * four lanes at a time with float32-accurate exp and log1p (tested against a float64
 * reference in the test next to this file). The gradient is tfjs's own (`dy · sigmoid(x)`),
 * which does not depend on the kernel. Idempotent.
 */
export function registerWasmSoftplus(): void {
  if (original !== undefined) return;
  const tfjsKernel = tf.getKernel(tf.Softplus, 'wasm');
  if (tfjsKernel === undefined) return;
  original = tfjsKernel;
  tf.unregisterKernel(tf.Softplus, 'wasm');
  tf.registerKernel({ kernelName: tf.Softplus, backendName: 'wasm', kernelFunc: softplusWasm });
}

/** Puts tfjs's own `Softplus` back (for side-by-side comparisons). */
export function unregisterWasmSoftplus(): void {
  if (original === undefined) return;
  tf.unregisterKernel(tf.Softplus, 'wasm');
  tf.registerKernel(original);
  // tfjs binds its kernel to the module in a setup step that runs when the backend starts;
  // a backend that started while ours was registered never ran it.
  const backend = tf.findBackend('wasm');
  if (backend !== null) original.setupFunc?.(backend);
  original = undefined;
}

const softplusWasm: KernelFunc = ({ inputs, backend }) => {
  const wasm = asWasmBackend(backend, tf.Softplus);
  const x = requireInput(inputs, 'x', tf.Softplus);
  if (x.dtype !== 'float32') {
    throw new Error(`bayesrnn: Softplus on wasm supports float32, not ${x.dtype}`);
  }
  const out = wasm.makeOutput(x.shape, 'float32');
  const size = tf.util.sizeFromShape(x.shape);
  if (size === 0) return out;
  softplusFor(wasm)(heapOffset(wasm, x.dataId), heapOffset(wasm, out.dataId), size);
  return out;
};

function heapOffset(wasm: WasmBackend, dataId: object): number {
  const data = wasm.dataIdMap.get(dataId);
  if (data === undefined) throw new Error('bayesrnn: Softplus input has no wasm data');
  return data.memoryOffset;
}

/** The module instantiated on the backend's own memory, shared or not. */
function softplusFor(wasm: WasmBackend): SoftplusExport {
  const module = (wasm as unknown as { wasm: EmscriptenMemory }).wasm;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (memory === undefined) throw new Error('bayesrnn: cannot find the wasm backend memory');
  let softplus = instances.get(memory);
  if (softplus === undefined) {
    softplus = instantiateSoftplus(memory);
    instances.set(memory, softplus);
  }
  return softplus;
}

/**
 * The SIMD softplus working in `memory`: the build that imports a shared memory when it is
 * shared (tfjs's threaded build), else the plain one. Synchronous: the module is 2 KB.
 */
export function instantiateSoftplus(memory: LinearMemory): SoftplusExport {
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = base64Bytes(shared ? SOFTPLUS_WASM_SHARED : SOFTPLUS_WASM_PLAIN);
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  return instance.exports.softplus as SoftplusExport;
}

function base64Bytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
