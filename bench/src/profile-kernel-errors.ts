import * as tf from '@tensorflow/tfjs-core';

/** The one method of a tfjs backend that the profiler times kernels with. */
interface TimedBackend {
  time(f: () => void): Promise<unknown>;
}

/**
 * Runs `fn` (a `tf.profile`) so that a kernel that throws fails `fn` instead of the process.
 * Under `tf.profile`, tfjs 4.22 runs each kernel inside the backend's async `time`: a throw
 * (a full wasm heap, say) becomes a rejected promise that nothing awaits, and Node ends the
 * process on it, where the bench should mark the contender failed and go on. `time` calls
 * the kernel before its first `await` on every backend, so the wrapper sees the throw as it
 * happens, hands tfjs the same (handled) promise and rethrows synchronously into the engine.
 * It also ends the engine's profiling mode, which a failed `tf.profile` leaves on.
 */
export async function withKernelErrorsThrown<T>(fn: () => Promise<T>): Promise<T> {
  const backend = tf.backend() as unknown as TimedBackend;
  const time = backend.time;
  const own = Object.hasOwn(backend, 'time');
  backend.time = (kernel) => {
    let failure: { error: unknown } | undefined;
    const timed = time.call(backend, () => {
      try {
        kernel();
      } catch (error) {
        failure = { error };
        throw error;
      }
    });
    if (failure === undefined) return timed;
    timed.catch(() => {});
    throw failure.error;
  };
  const state = (tf.engine() as unknown as { state: { profiling: boolean } }).state;
  const profiling = state.profiling;
  try {
    return await fn();
  } finally {
    // tfjs's profile sets `profiling` and clears it only when its query returns: after a throw,
    // every later kernel would run (slowly) under the profiler.
    state.profiling = profiling;
    if (own) backend.time = time;
    else delete (backend as Partial<TimedBackend>).time;
  }
}
