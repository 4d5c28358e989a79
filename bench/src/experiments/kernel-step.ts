/**
 * What the project's replacement of tfjs-wasm kernels saves in a training step: a contender's
 * step with tfjs-wasm's own kernels for the named kernels, against the ones `@bayesrnn/core`
 * registers in their place, swapped in tfjs's registry between steps, interleaved in one
 * process, on the PTB-small shape.
 * `npx turbo run build --filter=./bench...`, then
 * `node bench/dist/experiments/kernel-step.js KERNEL[,KERNEL…] CONTENDER[,CONTENDER…]`, e.g.
 * `kernel-step.js Transpose plain,bbb`, `kernel-step.js Tanh gru`,
 * `kernel-step.js Add,Sub,Multiply variational`.
 */
import { CONTENDERS } from '../contenders/index.js';
import { tfjsAndOwnKernels } from './switched-kernels.js';
import { timeSwitchedSteps } from './switched-steps.js';

const ROUNDS = 30;

const [kernelList, contenderList] = process.argv.slice(2);
if (kernelList === undefined || contenderList === undefined) {
  console.error('usage: kernel-step.js KERNEL[,KERNEL…] CONTENDER[,CONTENDER…]');
  process.exit(2);
}
const contenders = contenderList.split(',').map((name) => {
  const contender = CONTENDERS.find((c) => c.name === name);
  if (contender === undefined) {
    const known = CONTENDERS.map((c) => c.name).join(', ');
    console.error(`kernel-step: no contender '${name}' (known: ${known})`);
    process.exit(2);
  }
  return contender;
});
const kernels = await tfjsAndOwnKernels(kernelList.split(','));
console.log(`training step with ${kernelList} from each, wasm: ms median (min–max) of ${ROUNDS}`);
for (const contender of contenders) await timeSwitchedSteps(contender, kernels, ROUNDS);
kernels.bayesrnn();
