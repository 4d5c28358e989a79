/**
 * The busy worker of background-thread.ts: lowers its own thread's priority (Linux nice is per
 * thread), then computes in chunks until told to stop, counting the chunks.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';

const { shared, nice } = workerData as { shared: SharedArrayBuffer; nice: number };
setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice);
const counter = new Int32Array(shared);
const values = new Float64Array(4096);
while (Atomics.load(counter, 1) === 0) {
  let x = 0;
  for (let round = 0; round < 50; round += 1) {
    for (let i = 0; i < values.length; i += 1) {
      x += Math.sqrt((values[i] ?? 0) + i + round);
      values[i] = x * 1e-9;
    }
  }
  Atomics.add(counter, 0, 1);
}
