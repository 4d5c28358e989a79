/**
 * One helper thread's side of the handshake with the caller, through its shared control block
 * (slots in `wasm-heap-helper-worker.ts`): post a job and wake the helper, wait for its answer,
 * and the poll time it spends before sleeping.
 */
import {
  CONTROL,
  CONTROL_ARGUMENTS,
  CONTROL_MAX_ARGUMENTS,
  CONTROL_RESULT,
  CONTROL_TEXT_BYTES,
} from './wasm-heap-helper-worker.js';

/** One helper: its worker, the port its modules travel on, and views of its control block. */
export interface HelperThread {
  readonly worker: import('node:worker_threads').Worker;
  readonly port: import('node:worker_threads').MessagePort;
  readonly words: Int32Array;
  readonly numbers: Float64Array;
  readonly text: Uint8Array;
}

/** Writes a job into `thread`'s control block and wakes it; returns the job's sequence number. */
export function postJob(
  thread: HelperThread,
  functionId: number,
  args: number[],
  where: string,
): number {
  if (args.length > CONTROL_MAX_ARGUMENTS) {
    throw new Error(`bayesrnn: ${where}: ${args.length} arguments; helpers take at most 32`);
  }
  const { words, numbers } = thread;
  words[CONTROL.functionId] = functionId;
  words[CONTROL.argumentCount] = args.length;
  numbers.set(args, CONTROL_ARGUMENTS);
  const sequence = Atomics.add(words, CONTROL.sequence, 1) + 1;
  Atomics.notify(words, CONTROL.sequence);
  return sequence;
}

/**
 * Waits for `thread`'s answer to job `sequence` and returns its result; throws the helper's
 * error, or after `waitMs` without an answer. Polls for `spinMicros` first, then sleeps in
 * `Atomics.wait` (so an answer within the poll costs no wake-up of this thread).
 */
export function awaitAnswer(
  thread: HelperThread,
  sequence: number,
  where: string,
  waitMs: number,
  spinMicros = 0,
): number {
  const { words } = thread;
  if (spinMicros > 0) {
    const until = performance.now() + spinMicros / 1000;
    while (Atomics.load(words, CONTROL.done) !== sequence && performance.now() < until);
  }
  for (;;) {
    const done = Atomics.load(words, CONTROL.done);
    if (done === sequence) break;
    if (Atomics.wait(words, CONTROL.done, done, waitMs) === 'timed-out') {
      throw new Error(
        `bayesrnn: ${where}: a wasm helper thread did not answer within ${waitMs} ms`,
      );
    }
  }
  if (Atomics.load(words, CONTROL.status) !== 0) {
    const length = Math.min(words[CONTROL.textBytes] ?? 0, CONTROL_TEXT_BYTES);
    const message = new TextDecoder().decode(thread.text.slice(0, length));
    throw new Error(`bayesrnn: ${where}: a wasm helper thread failed: ${message}`);
  }
  return thread.numbers[CONTROL_RESULT] ?? 0;
}

/** Throws a RangeError naming `what` unless `micros` is an integer in [0, 1,000,000]. */
export function checkSpinMicroseconds(micros: number, what: string): void {
  if (!Number.isSafeInteger(micros) || micros < 0 || micros > 1_000_000) {
    throw new RangeError(`${what} must be an integer in [0, 1000000], got ${micros}`);
  }
}

/** The microseconds `thread` polls for a job before it sleeps. */
export function readSpin(thread: HelperThread): number {
  return Atomics.load(thread.words, CONTROL.spin);
}

/** Sets them (checked by the caller), from the helper's next job on. */
export function writeSpin(thread: HelperThread, micros: number): void {
  Atomics.store(thread.words, CONTROL.spin, micros);
}
