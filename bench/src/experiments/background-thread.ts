/**
 * Would a low-priority background thread overlap BBB's draw with the plain step? Runs the
 * bench's `plain` contender on the PTB-small shape with and without a worker thread at nice 19
 * that computes without end, and prints the step time of each and how much CPU the worker got.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/background-thread.js`.
 * Linux only (nice is per thread there). The figures are in docs/results.md.
 */
import { Worker } from 'node:worker_threads';
import { selectBackend } from '@bayesrnn/core';
import { plain } from '../contenders/plain.js';
import { PTB_SMALL_SHAPE } from '../shape.js';

const STEPS = 15;

await selectBackend({ name: 'wasm', log: () => {} });
const prepared = await plain.setup(PTB_SMALL_SHAPE);

async function msPerStep(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < STEPS; i += 1) await prepared.step();
  return (performance.now() - started) / STEPS;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (let i = 0; i < 3; i += 1) await prepared.step();
const alone = [await msPerStep(), await msPerStep()];
// Word 0: chunks the worker finished; word 1: 1 tells it to stop.
const counter = new Int32Array(new SharedArrayBuffer(8));
const worker = new Worker(new URL('./background-worker.js', import.meta.url), {
  workerData: { shared: counter.buffer, nice: 19 },
});
await wait(300);
// The worker's chunks per ms with a core to itself (this thread sleeps meanwhile).
Atomics.store(counter, 0, 0);
const calibrated = performance.now();
await wait(500);
const chunksPerMs = Atomics.load(counter, 0) / (performance.now() - calibrated);
Atomics.store(counter, 0, 0);
const beside = await msPerStep();
const workerMs = Atomics.load(counter, 0) / chunksPerMs / STEPS;
Atomics.store(counter, 1, 1);
await worker.terminate();
const after = await msPerStep();
await prepared.dispose();
const f = (x: number) => x.toFixed(1);
console.log(
  `plain step alone ${f(alone[0] ?? Number.NaN)} / ${f(alone[1] ?? Number.NaN)} ms, beside the nice-19 worker ${f(beside)} ms, alone again ${f(after)} ms; the worker got ${f(workerMs)} ms of a core per step`,
);
