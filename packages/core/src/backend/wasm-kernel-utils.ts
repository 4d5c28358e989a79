import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of the wasm backend this package's kernels use (the engine passes it as `{}`). */
export type WasmBackend = Pick<
  BackendWasm,
  'readSync' | 'makeOutput' | 'disposeData' | 'typedArrayFromHeap'
>;

/**
 * Narrows the kernel's `backend` argument. Kernels registered for `wasm` always receive a
 * `BackendWasm`; the check turns a mis-registration into a clear error, not a crash deep in
 * the heap code.
 */
export function asWasmBackend(backend: object, kernelName: string): WasmBackend {
  if ('readSync' in backend && 'makeOutput' in backend && 'typedArrayFromHeap' in backend) {
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
