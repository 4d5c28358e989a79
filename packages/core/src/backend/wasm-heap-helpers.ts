import { kernelModuleBytes, type LinearMemory, type WasmKernelModule } from './wasm-heap.js';
import {
  awaitAnswer,
  checkSpinMicroseconds,
  type HelperThread,
  postJob,
  readSpin,
  writeSpin,
} from './wasm-heap-control.js';
import { CLOSE_JOB } from './wasm-heap-helper-worker.js';

export type { HelperThread } from './wasm-heap-control.js';

/**
 * Helper threads for our own wasm kernels. tfjs's threaded build splits its kernels over a
 * pthread pool we cannot reach, so the kernels compiled from this project's C ran on the main
 * thread alone: on 2 cores, one core idled through every KL, Softplus and optimiser pass.
 * A pool instantiates the same modules on the same shared memory in Node workers and splits an
 * element-wise call's range between them and the calling thread.
 *
 * The handshake is synchronous, as a tfjs kernel must be: the caller writes a job into a
 * helper's control block and wakes it (`Atomics.notify`), runs its own chunk, then waits
 * (`Atomics.wait`) for the helper's answer. An idle helper sleeps in `Atomics.wait` and costs
 * nothing; it is unref'd, so it never keeps Node alive.
 */

/** Below this many elements per thread a call stays on the calling thread: waking a helper costs tens of µs. */
export const MIN_ELEMENTS_PER_THREAD = 16_384;

/**
 * How long the calling thread polls for a helper's answer before it sleeps, by default: 100 µs.
 * The caller is blocked inside a tfjs kernel until the answer comes, so polling spends only its
 * own core, and only while the helper finishes; an answer within the poll spares it a wake-up.
 * On a 2-core Intel VM a split [20, 200] × [200, 800] product took 125 µs against 182–188 µs,
 * and the plain and BBB steps 1.2–2.5% less, in two interleaved runs
 * (`bench/src/experiments/helper-spin.ts`, docs/results.md).
 */
export const DEFAULT_ANSWER_SPIN_MICROSECONDS = 100;

/** Chunks start on multiples of this many elements (64 bytes of float32: one cache line). */
const CHUNK_ALIGNMENT = 16;

/** A kernel function to run on the pool: which module and export, and the local instance. */
export interface HeapJob {
  /** The module, so that helpers can instantiate it. */
  readonly module: WasmKernelModule;
  /** The exported function's name. */
  readonly exportName: string;
  /** That function instantiated on this thread. */
  readonly local: (...args: number[]) => unknown;
  /** Names the caller in errors. */
  readonly where: string;
}

/** One call of a kernel function `f(...pointers, size, ...scalars)` over float32 arrays. */
export interface HeapKernelCall extends HeapJob {
  /** Byte offsets of float32 arrays of `size` elements each (inputs and outputs). */
  readonly pointers: readonly number[];
  /** Elements per array. */
  readonly size: number;
  /** The arguments after `size`. */
  readonly scalars: readonly number[];
}

/** A kernel split by its caller: the full argument list of each part (see `runParts`). */
export interface HeapPartsCall extends HeapJob {
  readonly parts: readonly number[][];
}

/** A pool of helper threads on one shared memory (see the module doc). */
export class HeapHelperPool {
  /** Each module the helpers have instantiated: its id and its functions' ids by name. */
  private readonly modules = new Map<
    WasmKernelModule,
    { id: number; functions: Map<string, number> }
  >();
  private nextId = 0;
  private closed = false;
  private answerSpin = DEFAULT_ANSWER_SPIN_MICROSECONDS;

  constructor(
    private readonly memory: LinearMemory,
    private readonly threads: readonly HelperThread[],
    private readonly waitMs: number,
  ) {}

  /**
   * Microseconds each helper keeps polling for its next job after one ends, before it sleeps
   * (`startHeapHelpers` starts it at `DEFAULT_HELPER_SPIN_MICROSECONDS`, 0). Where waking a
   * sleeping thread is slow (a VM: its virtual core halts), a short poll lets the next job of a
   * step start at once, at the cost of that core's time while it polls, which another process
   * may need. Applies from the helper's next job on.
   */
  get spinMicroseconds(): number {
    const first = this.threads[0];
    return first === undefined ? 0 : readSpin(first);
  }

  set spinMicroseconds(micros: number) {
    checkSpinMicroseconds(micros, 'HeapHelperPool.spinMicroseconds');
    for (const thread of this.threads) writeSpin(thread, micros);
  }

  /**
   * Microseconds the calling thread polls for a helper's answer before it sleeps (default
   * {@link DEFAULT_ANSWER_SPIN_MICROSECONDS}). The caller is blocked inside a kernel either way;
   * polling spares it a wake-up when the answer comes soon, at the cost of its core's time
   * while it polls.
   */
  get answerSpinMicroseconds(): number {
    return this.answerSpin;
  }

  set answerSpinMicroseconds(micros: number) {
    checkSpinMicroseconds(micros, 'HeapHelperPool.answerSpinMicroseconds');
    this.answerSpin = micros;
  }

  /** Threads that share a call: the helpers and the caller. */
  get parallelism(): number {
    return this.closed ? 1 : this.threads.length + 1;
  }

  /**
   * Runs `call` with its range split in equal chunks (aligned to 16 elements) over the caller
   * and as many helpers as keep each chunk at least {@link MIN_ELEMENTS_PER_THREAD} long, and
   * returns the sum of the chunks' return values (0 for a function that returns nothing).
   * Each element is computed by the same code whichever thread runs it, so element-wise
   * results are bit-identical to one call; a returned sum is added chunk by chunk.
   */
  run(call: HeapKernelCall): number {
    const parts = Math.min(this.parallelism, Math.floor(call.size / MIN_ELEMENTS_PER_THREAD));
    if (parts <= 1) return runLocally(call);
    const chunk = Math.ceil(call.size / parts / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT;
    return this.postAndJoin(call, chunkArguments(call, chunk, chunk), () =>
      resultOf(call.local(...call.pointers, chunk, ...call.scalars)),
    );
  }

  /**
   * Runs `call` on the helpers alone (split between them) while `beside` runs on the calling
   * thread, and returns once both are done, with `call`'s summed return value. For work that
   * cannot be split, such as a sequential random stream, to overlap one that can. Without
   * helpers (or below {@link MIN_ELEMENTS_PER_THREAD}) `beside` runs first, then `call`.
   */
  runBeside(call: HeapKernelCall, beside: () => void): number {
    const parts = Math.min(this.parallelism - 1, Math.floor(call.size / MIN_ELEMENTS_PER_THREAD));
    if (parts < 1) {
      beside();
      return runLocally(call);
    }
    const chunk = Math.ceil(call.size / parts / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT;
    return this.postAndJoin(call, chunkArguments(call, 0, chunk), () => {
      beside();
      return 0;
    });
  }

  /**
   * Runs a kernel that is split some other way than element by element (a matrix product by
   * column blocks): one call per entry of `parts`, the first on this thread and the rest on
   * helpers, and returns the sum of their results. More parts than {@link parallelism} (or a
   * closed pool) run one after another on this thread.
   */
  runParts(call: HeapPartsCall): number {
    const [first, ...rest] = call.parts;
    if (first === undefined) return 0;
    if (rest.length > this.threads.length || this.closed) {
      return call.parts.reduce((sum, args) => sum + resultOf(call.local(...args)), 0);
    }
    return this.postAndJoin(call, rest, () => resultOf(call.local(...first)));
  }

  /**
   * Posts one job per entry of `helperArguments` to the helpers, runs `local` meanwhile, and
   * collects every helper before returning the sum or throwing the first failure (helpers
   * write into tensors: none may still run when this returns).
   */
  private postAndJoin(
    call: HeapJob,
    helperArguments: readonly number[][],
    local: () => number,
  ): number {
    const functionId = this.functionId(call.module, call.exportName);
    const posted = helperArguments.map((args, index): [HelperThread, number] => {
      const thread = this.threads[index] as HelperThread;
      return [thread, postJob(thread, functionId, args, call.where)];
    });
    let total = 0;
    let failure: unknown;
    try {
      total = local();
    } catch (error) {
      failure = error;
    }
    for (const [thread, sequence] of posted) {
      try {
        total += awaitAnswer(thread, sequence, call.where, this.waitMs, this.answerSpin);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return total;
  }

  /** Ends the helpers (the pool then runs every call on the caller's thread). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.threads.map(async (thread) => {
        const exited = new Promise((resolve) => thread.worker.once('exit', resolve));
        thread.worker.ref(); // so that Node waits for the exit it is asked to await
        postJob(thread, CLOSE_JOB, [], 'HeapHelperPool.close');
        await exited;
        thread.port.close();
      }),
    );
  }

  /** The id helpers know `module`'s `name` by, sending them the module and name the first time. */
  private functionId(module: WasmKernelModule, name: string): number {
    let known = this.modules.get(module);
    if (known === undefined) {
      known = { id: this.nextId++, functions: new Map() };
      const bytes = kernelModuleBytes(module, true);
      for (const { port } of this.threads)
        port.postMessage({ kind: 'module', id: known.id, bytes });
      this.modules.set(module, known);
    }
    let id = known.functions.get(name);
    if (id === undefined) {
      id = this.nextId++;
      const message = { kind: 'function', id, moduleId: known.id, name };
      for (const { port } of this.threads) port.postMessage(message);
      known.functions.set(name, id);
    }
    return id;
  }

  /** The shared memory the helpers work on. */
  get sharedMemory(): LinearMemory {
    return this.memory;
  }
}

/** The arguments of `call`'s elements from `from` on, `chunk` per helper. */
function chunkArguments(call: HeapKernelCall, from: number, chunk: number): number[][] {
  const parts: number[][] = [];
  for (let start = from; start < call.size; start += chunk) {
    const count = Math.min(chunk, call.size - start);
    parts.push([...call.pointers.map((p) => p + 4 * start), count, ...call.scalars]);
  }
  return parts;
}

/** Runs all of `call` on this thread; returns its result (0 for a function that returns nothing). */
export function runLocally(call: HeapKernelCall): number {
  return resultOf(call.local(...call.pointers, call.size, ...call.scalars));
}

function resultOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
