/**
 * Where the matrix products, transposes and adds of a training step go: every `BatchMatMul`,
 * `_FusedMatMul`, `Transpose` and `Add` kernel call of the bench's `plain` and `bbb` contenders
 * on the PTB-small shape,
 * by operand shapes and attributes, with its wall time (the mean over five steps, after three
 * untimed ones). Each kernel is wrapped in tfjs's registry to time it, so a product's own
 * transposes (`A·Bᵀ` transposes B first) show as `Transpose` rows too.
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/matmul-census.js`.
 */
import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { bbb } from '../contenders/bbb.js';
import { plain } from '../contenders/plain.js';
import { PTB_SMALL_SHAPE } from '../shape.js';

const STEPS = 5;

await selectBackend({ name: 'wasm', log: () => {} });

/** Calls and milliseconds by kernel, operand shapes and attributes. */
const census = new Map<string, { calls: number; ms: number }>();

/** Wraps the registered wasm kernel `kernelName` so that every call adds to {@link census}. */
function timeCalls(kernelName: string): void {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`wasm has no ${kernelName} kernel`);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      const started = performance.now();
      const output = kernel.kernelFunc(args);
      const ms = performance.now() - started;
      const shapes = Object.values(args.inputs as Record<string, tf.TensorInfo | undefined>)
        .filter((input) => input !== undefined)
        .map((input) => `[${input.shape}]`)
        .join('×');
      const key = `${kernelName} ${shapes} ${JSON.stringify(args.attrs)}`;
      const entry = census.get(key) ?? { calls: 0, ms: 0 };
      census.set(key, { calls: entry.calls + 1, ms: entry.ms + ms });
      return output;
    },
  });
}

for (const kernelName of [tf.BatchMatMul, tf._FusedMatMul, tf.Transpose, tf.Add]) {
  timeCalls(kernelName);
}
for (const contender of [plain, bbb]) {
  const prepared = await contender.setup(PTB_SMALL_SHAPE);
  for (let step = 0; step < 3; step++) await prepared.step();
  census.clear();
  for (let step = 0; step < STEPS; step++) await prepared.step();
  console.log(`${contender.name}: ms a step, calls a step, kernel`);
  for (const [key, { calls, ms }] of [...census].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(
      `${(ms / STEPS).toFixed(2).padStart(7)} ${String(calls / STEPS).padStart(4)} ${key}`,
    );
  }
  await prepared.dispose();
}
