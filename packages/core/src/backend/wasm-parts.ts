import { heapKernelParallelism } from './wasm-heap-run.js';

/**
 * Default elements per thread below which a pass stays on one thread: waking a helper costs
 * about 50 µs, the time a simple pass takes over this many elements.
 */
const MIN_ELEMENTS_PER_THREAD = 1 << 18;

/**
 * How many of the heap's threads a pass over `size` elements should use: all it has
 * ({@link heapKernelParallelism}), but at most one per `minPerThread` elements, and at least one.
 */
export function heapKernelThreads(
  backend: object,
  size: number,
  where: string,
  minPerThread = MIN_ELEMENTS_PER_THREAD,
): number {
  return Math.min(
    heapKernelParallelism(backend, where),
    Math.max(1, Math.floor(size / minPerThread)),
  );
}

/**
 * `[begin, end)` ranges covering `[0, n)` in order, at most `count` of them, every boundary a
 * multiple of `step` (so a SIMD kernel's parts start on whole vectors): the parts of
 * `runHeapKernelParts`.
 */
export function splitRange(n: number, count: number, step = 1): [number, number][] {
  const perPart = Math.max(step, Math.ceil(n / count / step) * step);
  const parts: [number, number][] = [];
  for (let begin = 0; begin < n; begin += perPart)
    parts.push([begin, Math.min(n, begin + perPart)]);
  return parts;
}
