import type { LinearMemory } from './wasm-heap.js';
import { checkSpinMicroseconds, type HelperThread } from './wasm-heap-control.js';
import {
  CONTROL_BYTES,
  CONTROL_TEXT_BYTES,
  CONTROL_TEXT_OFFSET,
  HELPER_WORKER_SOURCE,
} from './wasm-heap-helper-worker.js';
import { DEFAULT_ANSWER_SPIN_MICROSECONDS, HeapHelperPool } from './wasm-heap-helpers.js';

/** Options of {@link startHeapHelpers}. */
export interface HeapHelperOptions {
  /** How long a call waits for a helper's answer before it throws (ms); default 60 s. */
  readonly waitMs?: number;
  /**
   * Microseconds a helper polls for its next job before it sleeps
   * (`HeapHelperPool.spinMicroseconds`); default {@link DEFAULT_HELPER_SPIN_MICROSECONDS}.
   */
  readonly spinMicroseconds?: number;
  /**
   * Microseconds the calling thread polls for a helper's answer before it sleeps
   * (`HeapHelperPool.answerSpinMicroseconds`); default {@link DEFAULT_ANSWER_SPIN_MICROSECONDS}.
   */
  readonly answerSpinMicroseconds?: number;
}

/**
 * How long a helper polls for its next job before it sleeps, by default: not at all. Polling
 * 100 µs pays on a machine the training has to itself: on a 2-core VM a split [20, 200] ×
 * [200, 800] product took 165–187 µs polling against 222–243 µs sleeping, and the plain step
 * 189–202 ms against 198–209 ms (`bench/src/experiments/helper-spin.ts`, docs/results.md); with
 * the caller polling too (its default), the plain step 157 ms against 160–164. The step gains a
 * few percent, and a polling thread holds a core that another process may need,
 * so polling is left to the user who knows the machine is the training's own.
 */
export const DEFAULT_HELPER_SPIN_MICROSECONDS = 0;

/**
 * Starts `count` helper threads on `memory`, which must be shared (a `SharedArrayBuffer`
 * behind it: tfjs's threaded build), and resolves once each is ready. Node only.
 */
export async function startHeapHelpers(
  memory: LinearMemory,
  count: number,
  options: HeapHelperOptions = {},
): Promise<HeapHelperPool> {
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) {
    throw new Error('bayesrnn: wasm helper threads need a shared memory (the threaded build)');
  }
  const spin = options.spinMicroseconds ?? DEFAULT_HELPER_SPIN_MICROSECONDS;
  checkSpinMicroseconds(spin, 'startHeapHelpers: spinMicroseconds');
  const answerSpin = options.answerSpinMicroseconds ?? DEFAULT_ANSWER_SPIN_MICROSECONDS;
  checkSpinMicroseconds(answerSpin, 'startHeapHelpers: answerSpinMicroseconds');
  const { Worker, MessageChannel } = await import('node:worker_threads');
  const workers: import('node:worker_threads').Worker[] = [];
  const start = async (): Promise<HelperThread> => {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(HELPER_WORKER_SOURCE, {
      eval: true,
      workerData: { memory, control, port: port2 },
      transferList: [port2],
    });
    workers.push(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    worker.unref();
    port1.unref();
    return {
      worker,
      port: port1,
      words: new Int32Array(control),
      numbers: new Float64Array(control),
      text: new Uint8Array(control, CONTROL_TEXT_OFFSET, CONTROL_TEXT_BYTES),
    };
  };
  let threads: HelperThread[];
  try {
    threads = await Promise.all(Array.from({ length: count }, start));
  } catch (error) {
    // One failed: end the others, which would otherwise wait for jobs forever.
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  const pool = new HeapHelperPool(memory, threads, options.waitMs ?? 60_000);
  pool.spinMicroseconds = spin;
  pool.answerSpinMicroseconds = answerSpin;
  return pool;
}
