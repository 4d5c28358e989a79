import * as tf from '@tensorflow/tfjs-core';
import { describeError } from './describe-error.js';
import { isWasmHeapBackend, wasmHeapMemory } from './wasm-heap.js';
import { startHeapHelpers } from './wasm-heap-helpers-start.js';
import { attachHeapHelpers, heapHelpersFor } from './wasm-heap-run.js';
import { isNode } from './wasm-node-threads.js';

/** The values of `BAYESRNN_WASM_HELPERS` that keep our kernels on the calling thread. */
const OFF_VALUES = new Set(['0', 'off', 'false', 'no']);

/**
 * Gives the active wasm backend's heap helper threads for bayesrnn's own kernels, one fewer
 * than tfjs's pool has threads (the calling thread is the other), unless the heap already has
 * them, tfjs runs single-threaded (the memory is not shared), this is not Node, or
 * `BAYESRNN_WASM_HELPERS=off`. A pool that fails to start leaves our kernels on the calling
 * thread and says why.
 * Returns how many threads our kernels now split over, and why, for the backend log line.
 */
export async function startKernelHelpers(
  threadCount: number,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ readonly threads: number; readonly reason: string }> {
  const backend = tf.backend();
  if (threadCount <= 1 || !isWasmHeapBackend(backend)) return { threads: 1, reason: 'no pool' };
  const raw = env.BAYESRNN_WASM_HELPERS?.trim().toLowerCase();
  if (raw !== undefined && OFF_VALUES.has(raw)) {
    return { threads: 1, reason: `BAYESRNN_WASM_HELPERS=${raw}` };
  }
  if (!isNode()) return { threads: 1, reason: 'helpers need Node' };
  const memory = wasmHeapMemory(backend, 'startKernelHelpers');
  const existing = heapHelpersFor(memory);
  if (existing !== undefined) return { threads: existing.parallelism, reason: 'as before' };
  try {
    const pool = await startHeapHelpers(memory, threadCount - 1);
    attachHeapHelpers(pool);
    return { threads: pool.parallelism, reason: 'one per tfjs thread' };
  } catch (error) {
    // Our kernels still run, on the calling thread: a slower backend, not a failed one.
    return { threads: 1, reason: `helpers failed to start: ${describeError(error)}` };
  }
}
