import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';

/** The parts of the wasm backend this package's kernels use (the engine passes it as `{}`). */
export type WasmBackend = Pick<
  BackendWasm,
  'readSync' | 'makeOutput' | 'disposeData' | 'typedArrayFromHeap' | 'dataIdMap' | 'wasm'
>;

/**
 * Narrows the kernel's `backend` argument. Kernels registered for `wasm` always receive a
 * `BackendWasm`; the check turns a mis-registration into a clear error, not a crash deep in
 * the heap code.
 */
export function asWasmBackend(backend: object, kernelName: string): WasmBackend {
  const parts = [
    'readSync',
    'makeOutput',
    'disposeData',
    'typedArrayFromHeap',
    'dataIdMap',
    'wasm',
  ];
  if (parts.every((part) => part in backend)) {
    return backend as WasmBackend;
  }
  throw new Error(`bayesrnn: ${kernelName} kernel expects the wasm backend`);
}

/** The named input of a kernel call, or a clear error when the op did not pass it. */
export function requireInput(
  inputs: NamedTensorInfoMap,
  name: string,
  kernelName: string,
): TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new Error(`bayesrnn: ${kernelName} needs input '${name}'`);
  return input;
}

/** The single output of a kernel that, by its contract, returns exactly one tensor. */
export function singleOutput(output: TensorInfo | TensorInfo[], kernelName: string): TensorInfo {
  if (!Array.isArray(output)) return output;
  const [first] = output;
  if (output.length !== 1 || first === undefined) {
    throw new Error(`bayesrnn: ${kernelName} returned ${output.length} outputs, expected 1`);
  }
  return first;
}

/** Frees intermediates the engine never saw (made by calling kernels directly). */
export function disposeIntermediates(wasm: WasmBackend, intermediates: readonly TensorInfo[]) {
  for (const intermediate of intermediates) wasm.disposeData(intermediate.dataId);
}

/**
 * Runs the `wasm` kernel registered as `kernelName` on tensors the engine never saw, the
 * way the engine would. Looked up per call: the registered kernel is the one whose setup ran
 * on this backend (and, for matmul, this package's fast wrapper).
 */
export function runWasmKernel(
  kernelName: string,
  inputs: NamedTensorInfoMap,
  backend: object,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`bayesrnn: wasm has no ${kernelName} kernel`);
  return singleOutput(kernel.kernelFunc({ inputs, backend, attrs }), kernelName);
}
