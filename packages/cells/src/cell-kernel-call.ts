import {
  kernelFunction,
  type WasmKernelModule,
  wasmHeapOffset,
  wasmKernelExports,
} from '@bayesrnn/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Calls `exportName` of a cell kernel module on this thread (one step is a few thousand units:
 * too little to split over the helpers) with the heap pointers of `tensors`, each moved on by
 * its element offset in `offsets` (0 where absent; a `null` tensor passes a null pointer), then
 * `sizes`.
 */
export function callCellKernel(
  backend: object,
  module: WasmKernelModule,
  exportName: string,
  tensors: readonly (TensorInfo | null)[],
  sizes: readonly number[],
  offsets: readonly number[] = [],
): void {
  const pointer = (info: TensorInfo | null, k: number) =>
    info === null ? 0 : wasmHeapOffset(backend, info.dataId, exportName) + 4 * (offsets[k] ?? 0);
  const fn = kernelFunction<(...args: number[]) => void>(
    wasmKernelExports(backend, module, exportName),
    exportName,
  );
  fn(...tensors.map(pointer), ...sizes);
}
