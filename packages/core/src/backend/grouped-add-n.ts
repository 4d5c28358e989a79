import type {
  KernelConfig,
  KernelFunc,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The sum of `inputs` by `addN` over at most `width` of them at a time: sums of `width`
 * inputs, then sums of those sums, until `width` or fewer remain for the last call. The partial
 * sums are freed with `free` once used; the inputs never are.
 *
 * Why: tfjs-webgpu 4.22's `AddN` binds every input, and its output, as a storage buffer of one
 * shader, and a WebGPU device allows only `maxStorageBuffersPerShaderStage` of them (8 unless
 * more are asked for). With more inputs Dawn rejects the shader, and the sum comes back
 * unwritten without an error: the gradient of a weight used at 8 or more places (a recurrent
 * kernel over a window's steps) was garbage. Seen on an H200 through Dawn.
 */
export function addNInGroups(
  inputs: readonly TensorInfo[],
  width: number,
  addN: (group: TensorInfo[]) => TensorInfo,
  free: (info: TensorInfo) => void,
): TensorInfo {
  if (!(Number.isInteger(width) && width >= 2)) {
    throw new RangeError(`addNInGroups: width must be an integer ≥ 2, got ${width}`);
  }
  const made = new Set<TensorInfo>();
  let level = [...inputs];
  while (level.length > width) {
    const next: TensorInfo[] = [];
    for (let start = 0; start < level.length; start += width) {
      const group = level.slice(start, start + width);
      if (group.length === 1 && group[0] !== undefined) {
        next.push(group[0]);
        continue;
      }
      const sum = addN(group);
      made.add(sum);
      next.push(sum);
    }
    for (const info of level) {
      if (made.has(info) && !next.includes(info)) free(info);
    }
    level = next;
  }
  const result = addN(level);
  for (const info of level) if (made.has(info)) free(info);
  return result;
}

/**
 * Wraps `backendName`'s `AddN` so that one call sums at most `width` inputs
 * ({@link addNInGroups}); returns a function that puts the original back. Does nothing (and
 * returns a no-op) when the backend has no `AddN`. The gradient is tfjs's own: it goes by the
 * kernel's name.
 */
export function groupAddN(backendName: string, width: number): () => void {
  const original = tf.getKernel(tf.AddN, backendName);
  if (original === undefined) return () => {};
  const grouped: KernelFunc = ({ inputs, backend, attrs }) => {
    const call = (group: TensorInfo[]) =>
      original.kernelFunc({
        inputs: group as unknown as NamedTensorInfoMap,
        backend,
        ...(attrs && { attrs }),
      }) as TensorInfo;
    const free = (info: TensorInfo) => (backend as tf.KernelBackend).disposeData(info.dataId);
    // AddN's inputs arrive as an array (tfjs-core's addN op passes its tensor list).
    return addNInGroups(inputs as unknown as TensorInfo[], width, call, free);
  };
  tf.unregisterKernel(tf.AddN, backendName);
  tf.registerKernel({ ...original, kernelFunc: grouped } as KernelConfig);
  return () => {
    tf.unregisterKernel(tf.AddN, backendName);
    tf.registerKernel(original);
  };
}
