/**
 * Where a training step's tensor memory goes: one profiled step of each contender asked for
 * (`tf.profile`, after one untimed step), with what it keeps between steps, its peak, the
 * kernel at which the peak is reached, and the kernels that added the most bytes before it.
 * For wasm, whose heap holds at most 4 GiB: which temporaries to shrink for a large model.
 * The heap only grows, so its sizes for a second contender in one run include the first's:
 * ask for one contender a run to read them.
 * `node bench/dist/experiments/step-memory.js [--size 1500] [--only plain,bbb] [--top 12]`
 */
import { parseArgs } from 'node:util';
import { isWasmHeapBackend, selectBackend, wasmHeapMemory } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { CONTENDERS as allContenders } from '../contenders/index.js';
import { withKernelErrorsThrown } from '../profile-kernel-errors.js';
import { PTB_SMALL_SHAPE } from '../shape.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '200' },
    only: { type: 'string', default: 'plain,bbb' },
    top: { type: 'string', default: '12' },
  },
});
const size = Number(values.size);
const top = Number(values.top);
const shape = { ...PTB_SMALL_SHAPE, embeddingSize: size, hiddenSize: size };
const only = (values.only ?? '').split(',');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** The wasm heap's size (its high-water mark: it only grows), or NaN on another backend. */
function heapBytes(): number {
  const backend = tf.backend();
  if (!isWasmHeapBackend(backend)) return Number.NaN;
  return wasmHeapMemory(backend, 'step-memory').buffer.byteLength;
}

await selectBackend({});
for (const contender of allContenders.filter((each) => only.includes(each.name))) {
  if (!contender.inProcess) continue;
  const before = tf.memory().numBytes;
  const heap = [heapBytes()];
  const prepared = await contender.setup(shape);
  heap.push(heapBytes());
  await prepared.step();
  heap.push(heapBytes());
  const resident = tf.memory().numBytes - before;
  const start = tf.memory().numBytes;
  const info = await withKernelErrorsThrown(() =>
    tf.profile(async () => {
      await prepared.step();
    }),
  );
  heap.push(heapBytes());
  let peakIndex = 0;
  info.kernels.forEach((kernel, i) => {
    const peak = info.kernels[peakIndex]?.totalBytesSnapshot ?? 0;
    if (kernel.totalBytesSnapshot > peak) peakIndex = i;
  });
  const atPeak = info.kernels[peakIndex];
  console.log(
    `\n${contender.name} (width ${size}): keeps ${mib(resident)} MiB between steps; the step ` +
      `peaks at ${mib(info.peakBytes - start)} MiB above its start (${mib(info.peakBytes)} MiB in all, ` +
      `counting a view of another tensor's data again), ` +
      `at kernel ${peakIndex + 1} of ${info.kernels.length} (${atPeak?.name})`,
  );
  console.log(
    `  wasm heap (MiB; it only grows): ${['at start', 'after setup', 'after a step', 'after a profiled step'].map((when, i) => `${when} ${mib(heap[i] ?? Number.NaN)}`).join(', ')}`,
  );
  // Running totals along the step, every tenth of its kernels.
  const marks = Array.from({ length: 11 }, (_, i) =>
    Math.min(info.kernels.length - 1, Math.floor((i * (info.kernels.length - 1)) / 10)),
  );
  console.log(
    `  along the step (MiB above start): ${marks.map((i) => mib((info.kernels[i]?.totalBytesSnapshot ?? 0) - start)).join(' ')}`,
  );
  const added = info.kernels
    .slice(0, peakIndex + 1)
    .map((kernel, i) => ({ kernel, i }))
    .sort((a, b) => b.kernel.bytesAdded - a.kernel.bytesAdded)
    .slice(0, top);
  for (const { kernel, i } of added) {
    console.log(
      `  #${i + 1} ${kernel.name} +${mib(kernel.bytesAdded)} MiB ` +
        `${JSON.stringify(kernel.inputShapes)} -> ${JSON.stringify(kernel.outputShapes)}`,
    );
  }
  await prepared.dispose();
}
