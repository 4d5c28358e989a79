/**
 * Do two backends train our LM to the same losses? The PTB-small step of the benchmark's own
 * contenders (plain, variational dropout, GRU, Bayes by Backprop, sharpening, pSGLD, and
 * RMSprop: pSGLD's preconditioner without its noise), a few steps from the same seed on each
 * backend in turn, the losses side by side with their relative difference. Our random numbers are the same float32s on every backend (core's generators),
 * so every contender, the Bayesian ones too, should agree to float32 rounding accumulated over
 * the steps. Run it where a second backend exists (a GPU: `webgpu`):
 * `node bench/dist/experiments/backend-parity.js [--backends webgpu,wasm] [--steps 4]
 * [--shape tiny] [--only psgld,…]` (tiny: the unit tests' shape, for a slow backend such as cpu). A contender that
 * fails on a backend prints its error and counts as a difference.
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { bbb } from '../contenders/bbb.js';
import { bbbSharpened } from '../contenders/bbb-sharpened.js';
import { gru } from '../contenders/gru.js';
import { plain } from '../contenders/plain.js';
import { psgld } from '../contenders/psgld.js';
import { rmsprop } from '../contenders/rmsprop.js';
import { variational } from '../contenders/variational.js';
import { PTB_SMALL_SHAPE } from '../shape.js';
import { TINY_SHAPE } from '../tiny-shape.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'webgpu,wasm' },
    steps: { type: 'string', default: '4' },
    shape: { type: 'string', default: 'ptb-small' },
    only: { type: 'string', default: '' },
  },
});
const shape = values.shape === 'tiny' ? TINY_SHAPE : PTB_SMALL_SHAPE;
const backends = (values.backends ?? '').split(',').filter((name) => name !== '');
const steps = Number(values.steps);
if (backends.length < 2 || !(Number.isInteger(steps) && steps > 0)) {
  throw new Error('backend-parity: --backends needs two or more names, --steps a positive integer');
}
const only = (values.only ?? '').split(',').filter((name) => name !== '');
const contenders = [plain, variational, gru, bbb, bbbSharpened, psgld, rmsprop].filter(
  (contender) => only.length === 0 || only.includes(contender.name),
);

/** Each contender's losses over `steps` steps on the active backend. */
async function losses(): Promise<Map<string, number[]>> {
  const byContender = new Map<string, number[]>();
  for (const contender of contenders) {
    const seen: number[] = [];
    try {
      const prepared = await contender.setup(shape);
      for (let step = 0; step < steps; step += 1) {
        await prepared.step();
        seen.push(prepared.lastLoss?.() ?? Number.NaN);
      }
      await prepared.dispose();
    } catch (error) {
      console.error(`backend-parity: ${contender.name} failed on ${tf.getBackend()}:`, error);
    }
    byContender.set(contender.name, seen);
  }
  return byContender;
}

const results = new Map<string, Map<string, number[]>>();
for (const name of backends) {
  const info = await selectBackend({ name });
  results.set(name, await losses());
  console.error(`backend-parity: ${name}${info.device ? ` on ${info.device}` : ''} done`);
}
const [reference = '', ...others] = backends;
console.log(`| contender | step | ${backends.join(' | ')} | largest relative difference |`);
console.log(`| --- | --- | ${backends.map(() => '---').join(' | ')} | --- |`);
let worst = 0;
for (const contender of contenders) {
  for (let step = 0; step < steps; step += 1) {
    const row = backends.map((name) => results.get(name)?.get(contender.name)?.[step] ?? NaN);
    const base = row[0] ?? NaN;
    const difference = Math.max(
      ...row.slice(1).map((loss) => Math.abs(loss - base) / Math.abs(base)),
    );
    worst = Math.max(worst, Number.isNaN(difference) ? Infinity : difference);
    const cells = row.map((loss) => loss.toFixed(6)).join(' | ');
    console.log(`| ${contender.name} | ${step + 1} | ${cells} | ${difference.toExponential(2)} |`);
  }
}
console.log(
  `\nlargest relative difference from ${reference} (${others.join(', ')}): ${worst.toExponential(2)}`,
);
