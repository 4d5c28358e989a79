/**
 * Where a training step's kernels go: every call of the named wasm kernels in a contender's
 * step on the PTB-small shape, by operand shapes and attributes, with its wall time (the mean
 * over five steps, after three untimed ones). Each kernel is wrapped in tfjs's registry to time
 * it, so a product's own transposes (`A·Bᵀ` transposes B first) show as `Transpose` rows too.
 * `npx turbo run build --filter=./bench...`, then
 * `node bench/dist/experiments/kernel-census.js [KERNEL,…|all] [CONTENDER,…]` (default: the
 * matrix products, `Transpose` and `Add` of `plain` and `bbb`; `all`: every wasm kernel), e.g.
 * `kernel-census.js Multiply,Sum variational`.
 */
import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { CONTENDERS } from '../contenders/index.js';
import { PTB_SMALL_SHAPE } from '../shape.js';

const STEPS = 5;

await selectBackend({ name: 'wasm', log: () => {} });

/** Calls and milliseconds by kernel, operand shapes and attributes. */
const census = new Map<string, { calls: number; ms: number }>();

/** The kernels {@link timeCalls} has wrapped. */
const wrapped = new Set<string>();

/** Wraps the registered wasm kernel `kernelName` so that every call adds to {@link census}. */
function timeCalls(kernelName: string): void {
  const kernel = tf.getKernel(kernelName, 'wasm');
  // A fused kernel exists once a contender that uses it has run: a later one may register it.
  if (wrapped.has(kernelName) || kernel === undefined) return;
  wrapped.add(kernelName);
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

const [kernelList, contenderList] = process.argv.slice(2);
/** The kernels to time; with `all`, those registered once a contender's untimed steps ran. */
const kernelNames = () =>
  kernelList === 'all'
    ? tf.getKernelsForBackend('wasm').map((kernel) => kernel.kernelName)
    : (kernelList?.split(',') ?? [tf.BatchMatMul, tf._FusedMatMul, tf.Transpose, tf.Add]);
const contenderNames = contenderList?.split(',') ?? ['plain', 'bbb'];
for (const name of contenderNames) {
  const contender = CONTENDERS.find((c) => c.name === name);
  if (contender === undefined) throw new Error(`kernel-census: no contender '${name}'`);
  const prepared = await contender.setup(PTB_SMALL_SHAPE);
  for (let step = 0; step < 3; step++) await prepared.step();
  // Kernels a contender registers on first use (its fused kernels) exist only now.
  for (const kernelName of kernelNames()) timeCalls(kernelName);
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
