// Would a low-priority background thread overlap BBB's draw with the plain step? This runs the
// bench's plain PTB-small step (as the `plain` contender builds it) with and without a worker
// thread at nice 19 that computes without end, and prints the step time of each and how much
// CPU the worker got. Build first (`npx turbo run build --filter=./bench...`), then, from the
// repository root: `node bench/experiments/background-thread.mjs`. Linux only (per-thread nice).
import { Worker } from 'node:worker_threads';
import { createKey, disposeTree, foldIn, selectBackend, splitKey } from '@bayesrnn/core';
import {
  createLanguageModel,
  createLanguageModelTask,
  DEFAULT_LANGUAGE_MODEL_CONFIG,
} from '@bayesrnn/models';
import { createPointPosterior } from '@bayesrnn/posteriors';
import { createAdam, runTrainingStep } from '@bayesrnn/train';

await selectBackend({ name: 'wasm', log: () => {} });
const [V, B, T, STEPS] = [10_000, 20, 20, 15];
const model = createLanguageModel({
  ...DEFAULT_LANGUAGE_MODEL_CONFIG,
  vocabSize: V,
  embeddingSize: 200,
  hiddenSize: 200,
  layers: 2,
  dropout: { method: 'none' },
});
const [initKey, runKey] = splitKey(createKey(1), 2);
const posterior = createPointPosterior(model.weightSpecs, initKey);
let seed = 7;
const token = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % V;
};
const windows = Array.from({ length: 8 }, () => ({
  inputs: Int32Array.from({ length: B * T }, token),
  targets: Int32Array.from({ length: B * T }, token),
}));
const train = { batchSize: B, steps: T, windowsPerEpoch: 8, window: (i) => windows[i % 8] };
const task = createLanguageModelTask({ model, posterior, train });
const optimizer = createAdam();
let optimizerState = optimizer.init(posterior.variables);
let state = task.initialState();
let step = 0;
const last = Object.values(posterior.variables).at(-1);
async function oneStep() {
  const context = { key: foldIn(runKey, step), epoch: 0, step: step + 1 };
  const input = { task, window: step % 8, state, context, optimizer, optimizerState };
  const result = await runTrainingStep({ ...input, learningRate: 1e-3, clipNorm: 5 });
  disposeTree([state, optimizerState]);
  ({ state, optimizerState } = result);
  step += 1;
  last.dataSync();
}
async function msPerStep() {
  const started = performance.now();
  for (let i = 0; i < STEPS; i += 1) await oneStep();
  return (performance.now() - started) / STEPS;
}

for (let i = 0; i < 3; i += 1) await oneStep();
const alone = [await msPerStep(), await msPerStep()];
const shared = new SharedArrayBuffer(8);
const counter = new Int32Array(shared);
const worker = new Worker(new URL('./background-worker.mjs', import.meta.url), {
  workerData: { shared, nice: 19 },
});
await new Promise((resolve) => setTimeout(resolve, 300));
// The worker's chunks per ms with a core to itself (this thread sleeps meanwhile).
Atomics.store(counter, 0, 0);
const calibrated = performance.now();
await new Promise((resolve) => setTimeout(resolve, 500));
const chunksPerMs = Atomics.load(counter, 0) / (performance.now() - calibrated);
Atomics.store(counter, 0, 0);
const beside = await msPerStep();
const workerMs = Atomics.load(counter, 0) / chunksPerMs / STEPS;
Atomics.store(counter, 1, 1);
await worker.terminate();
const after = await msPerStep();
const f = (x) => x.toFixed(1);
console.log(
  `plain step alone ${f(alone[0])} / ${f(alone[1])} ms, beside the nice-19 worker ${f(beside)} ms, alone again ${f(after)} ms; the worker got ${f(workerMs)} ms of a core per step`,
);
process.exit(0);
