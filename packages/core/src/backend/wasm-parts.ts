import { heapKernelParallelism } from './wasm-heap-run.js';

/** Elements per thread below which a pass stays on one thread (waking a helper costs ~50 µs). */
const MIN_ELEMENTS_PER_THREAD = 1 << 18;

/** Threads for a pass over `size` elements: at most one per {@link MIN_ELEMENTS_PER_THREAD}. */
export function threadsFor(backend: object, size: number, where: string): number {
  return Math.min(
    heapKernelParallelism(backend, where),
    Math.max(1, Math.floor(size / MIN_ELEMENTS_PER_THREAD)),
  );
}

/** `[begin, end)` ranges of `[0, n)` for up to `count` parts, split on multiples of `step`. */
export function ranges(n: number, count: number, step: number): [number, number][] {
  const perPart = Math.max(step, Math.ceil(n / count / step) * step);
  const parts: [number, number][] = [];
  for (let begin = 0; begin < n; begin += perPart)
    parts.push([begin, Math.min(n, begin + perPart)]);
  return parts;
}
