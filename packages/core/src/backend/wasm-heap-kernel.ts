import type { RngKey } from '@bayesrnn/spec';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { runNoiseKernel } from '../random/noise-kernel.js';
import { type WasmKernelModule, wasmHeapFloat32, wasmHeapOffset } from './wasm-heap.js';
import { runHeapKernel } from './wasm-heap-run.js';

/**
 * An element-wise kernel of our own on the wasm heap: same-shape float32 inputs and outputs,
 * and a C function called as `f(...inputOffsets, ...outputOffsets, size, ...scalars)`. The
 * shape every fused step in this project has (Softplus, Exp, pSGLD, Adam). The call is split
 * over the heap's helper threads when it has them (`runHeapKernel`), so the function must be
 * element-wise; `prefill` runs first, on the calling thread. A kernel that draws its own
 * N(0, 1) noise (`noise`) is split by the noise's blocks instead (`runNoiseKernel`).
 */
export interface WasmHeapKernelSpec {
  /** The tfjs kernel name it is registered under, e.g. `BayesrnnAdamStep`. */
  readonly kernelName: string;
  /** The compiled C, both memory flavours. */
  readonly module: WasmKernelModule;
  /** The module's exported function. */
  readonly exportName: string;
  /** The names of the inputs, in the function's argument order. */
  readonly inputs: readonly string[];
  /** How many outputs, each shaped as the first input (one is returned unwrapped). */
  readonly outputs: number;
  /** The scalar arguments after `size`, from the kernel's attrs. */
  readonly scalars?: (attrs: NamedAttrMap) => readonly number[];
  /** Fills outputs before the call (e.g. noise the function reads in place), given views. */
  readonly prefill?: (outputs: readonly Float32Array[], attrs: NamedAttrMap) => void;
  /**
   * The key of the noise the function draws itself (it includes `wasm/normal.h`): it is
   * then called as `f(...inputs, ...outputs, size, w0, w1, first, end, ...scalars)`
   * over block ranges, element i getting what `randomNormal(key, [size])` holds at i.
   */
  readonly noise?: (attrs: NamedAttrMap) => RngKey;
}

/** The tfjs `KernelFunc` that runs `spec` on the wasm backend. */
export function wasmHeapKernelFunc(spec: WasmHeapKernelSpec): KernelFunc {
  const { kernelName: where } = spec;
  return ({ inputs, backend, attrs = {} }) => {
    const tensors = spec.inputs.map((name) => {
      const input = inputs[name];
      if (input === undefined) throw new Error(`bayesrnn: ${where} needs input '${name}'`);
      if (input.dtype !== 'float32') {
        throw new Error(`bayesrnn: ${where} on wasm supports float32, not ${input.dtype}`);
      }
      return input;
    });
    const shape = [...(tensors[0]?.shape ?? [])];
    if (tensors.some((tensor) => !tf.util.arraysEqual(tensor.shape, shape))) {
      throw new Error(`bayesrnn: ${where} needs inputs of one shape [${shape.join(', ')}]`);
    }
    const wasm = backend as unknown as {
      makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
    };
    const outputs = Array.from({ length: spec.outputs }, () => wasm.makeOutput(shape, 'float32'));
    const size = tf.util.sizeFromShape(shape);
    if (size > 0) {
      const offset = (info: TensorInfo) => wasmHeapOffset(backend, info.dataId, where);
      spec.prefill?.(
        outputs.map((output) => wasmHeapFloat32(backend, offset(output), size, where)),
        attrs,
      );
      const pointers = [...tensors.map(offset), ...outputs.map(offset)];
      const scalars = spec.scalars?.(attrs) ?? [];
      if (spec.noise === undefined) {
        runHeapKernel(backend, spec.module, spec.exportName, { pointers, size, scalars }, where);
      } else {
        const args = { pointers, size, key: spec.noise(attrs), scalars };
        runNoiseKernel(backend, spec.module, spec.exportName, args, where);
      }
    }
    return outputs.length === 1 ? (outputs[0] as TensorInfo) : outputs;
  };
}

/** Registers `spec` for the wasm backend unless a kernel of that name is there. Idempotent. */
export function registerWasmHeapKernel(spec: WasmHeapKernelSpec): void {
  if (tf.getKernel(spec.kernelName, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: spec.kernelName,
    backendName: 'wasm',
    kernelFunc: wasmHeapKernelFunc(spec),
  });
}
