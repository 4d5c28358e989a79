import { resolve } from 'node:path';

/**
 * The last queued task per resolved directory. Module state, but created empty and only
 * touched by calls, so importing this module has no effect.
 */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `task` after every task queued earlier for the same directory (in this process) has
 * settled, whether it succeeded or failed. Two overlapping saves into one directory would
 * otherwise race: the first to commit sweeps away the other's data file, whose manifest
 * would then point at nothing.
 */
export function runQueuedForDirectory<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const key = resolve(dir);
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(() => task());
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  // Forget the directory once its queue drains, so the map does not grow without bound.
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
