/**
 * Why does pSGLD drift between backends when every other contender agrees to float32 rounding
 * (bench/results-h200/parity-webgpu-wasm.md)? One backend, two runs of each contender from the
 * same seed, the second with every initial weight moved by about one float32 rounding
 * (θ (1 ± 2⁻²⁴), the sign random per weight): a stand-in for two backends' different rounding.
 * Per step, how far the two runs are apart: the loss's relative difference and the weights'
 * (‖θ_a − θ_b‖ / ‖θ_a‖ over all weights), and the weight that moved apart the most. Contenders:
 * plain (Adam), RMSprop (pSGLD's preconditioner without noise), pSGLD at the paper's λ = 1e-8
 * and at larger λ (1e-3 is the LM app's). Also how far each step moved the weights
 * (‖θ_t − θ_{t−1}‖ / ‖θ_{t−1}‖, first run).
 * `node bench/dist/experiments/psgld-sensitivity.js [--steps 8] [--backend wasm] [--shape tiny]`
 */
import { parseArgs } from 'node:util';
import { createKey, globalGradientNorm, randomNormal, selectBackend } from '@bayesrnn/core';
import { createPointPosterior } from '@bayesrnn/posteriors';
import { createPsgld } from '@bayesrnn/samplers';
import { createSamplerOptimizer } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedContender } from '../contender.js';
import { PLAIN_OPTIONS } from '../contenders/plain.js';
import { PSGLD_OPTIONS } from '../contenders/psgld.js';
import { RMSPROP_OPTIONS } from '../contenders/rmsprop.js';
import { type OursLmStepOptions, oursLmStepContender } from '../ours-lm-step.js';
import { PTB_SMALL_SHAPE } from '../shape.js';
import { TINY_SHAPE } from '../tiny-shape.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '8' },
    backend: { type: 'string', default: 'wasm' },
    shape: { type: 'string', default: 'ptb-small' },
  },
});
const steps = Number(values.steps);
if (!(Number.isInteger(steps) && steps > 0)) {
  throw new Error(`psgld-sensitivity: --steps needs a positive integer, got ${values.steps}`);
}
const shape = values.shape === 'tiny' ? TINY_SHAPE : PTB_SMALL_SHAPE;
const info = await selectBackend({ name: values.backend ?? 'wasm' });

/** Relative size of the perturbation: one float32 rounding of a weight (half an ulp). */
const NUDGE = 2 ** -24;

const psgldAt = (lambda: number): OursLmStepOptions => ({
  ...PSGLD_OPTIONS,
  name: `psgld λ=${lambda.toExponential()}`,
  optimizer: () => createSamplerOptimizer(createPsgld({ datasetSize: 26_540, lambda }), 'psgld'),
});
const CASES = [PLAIN_OPTIONS, RMSPROP_OPTIONS, psgldAt(1e-8), psgldAt(1e-6), psgldAt(1e-3)];

/** One run of a contender, its weights kept where this experiment can read them. */
interface Run {
  readonly prepared: PreparedContender;
  readonly weights: { readonly [name: string]: tf.Variable };
}

async function start(options: OursLmStepOptions, nudged: boolean): Promise<Run> {
  let weights: { readonly [name: string]: tf.Variable } = {};
  const contender = oursLmStepContender({
    ...options,
    posterior: (specs, key) => {
      const posterior = createPointPosterior(specs, key);
      weights = posterior.variables;
      if (nudged) nudge(weights);
      return posterior;
    },
  });
  const prepared = await contender.setup(shape);
  return { prepared, weights };
}

/** θ ← θ (1 ± NUDGE), the sign drawn per weight from a fixed key. */
function nudge(weights: { readonly [name: string]: tf.Variable }): void {
  Object.values(weights).forEach((weight, i) => {
    tf.tidy(() => {
      const sign = tf.sign(randomNormal(createKey(1000 + i), weight.shape));
      weight.assign(tf.mul(weight, tf.add(1, tf.mul(sign, NUDGE))));
    });
  });
}

/** ‖(t_1, t_2, …)‖, all the tensors as one vector (core's float64 sum on wasm). */
function norm(tensors: readonly tf.Tensor[]): number {
  return tf.tidy(
    () =>
      globalGradientNorm(Object.fromEntries(tensors.map((t, i) => [i, t]))).dataSync()[0] ??
      Number.NaN,
  );
}

/** ‖θ_t − θ_{t−1}‖ / ‖θ_{t−1}‖ over all weights: how far one step moved them. */
function moved(before: readonly tf.Tensor[], run: Run): number {
  const weights = Object.values(run.weights);
  const step = tf.tidy(() => norm(weights.map((w, i) => tf.sub(w, before[i] ?? w))));
  return step / norm(before);
}

/** ‖a − b‖ / ‖a‖ over all weights, and the name of the weight whose own ratio is largest. */
function apart(a: Run, b: Run): { relative: number; worst: string; worstRelative: number } {
  const names = Object.keys(a.weights);
  const pairs = names.map((name) => {
    const [weight, other] = [a.weights[name], b.weights[name]];
    if (weight === undefined || other === undefined) {
      throw new Error(`psgld-sensitivity: ${name} missing in a run`);
    }
    return [weight, other] as const;
  });
  const gaps = pairs.map(([weight, other]) => tf.sub(weight, other));
  try {
    const own = gaps.map((gap, i) => norm([gap]) / norm([pairs[i]?.[0] ?? gap]));
    const at = own.indexOf(Math.max(...own));
    return {
      relative: norm(gaps) / norm(pairs.map(([weight]) => weight)),
      worst: names[at] ?? '',
      worstRelative: own[at] ?? Number.NaN,
    };
  } finally {
    tf.dispose(gaps);
  }
}

console.log(`backend ${info.name}, shape ${values.shape}, nudge ±2^-24 per weight\n`);
console.log(
  '| contender | step | loss | step moved θ by | loss apart | weights apart | most apart |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const options of CASES) {
  const tensorsBefore = tf.memory().numTensors;
  const [exact, nudged] = [await start(options, false), await start(options, true)];
  for (let step = 1; step <= steps; step += 1) {
    const before = Object.values(exact.weights).map((weight) => weight.clone());
    await exact.prepared.step();
    const movedBy = moved(before, exact);
    tf.dispose(before);
    await nudged.prepared.step();
    const [la, lb] = [exact.prepared.lastLoss?.() ?? NaN, nudged.prepared.lastLoss?.() ?? NaN];
    const { relative, worst, worstRelative } = apart(exact, nudged);
    const cells = [
      options.name,
      step,
      la.toFixed(4),
      movedBy.toExponential(2),
      (Math.abs(la - lb) / Math.abs(la)).toExponential(2),
      relative.toExponential(2),
      `${worst} ${worstRelative.toExponential(2)}`,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  await exact.prepared.dispose();
  await nudged.prepared.dispose();
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) throw new Error(`psgld-sensitivity: ${options.name} left ${leaked} tensors`);
}
