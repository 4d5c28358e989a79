import { selectBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';

/** The kernel registered for `kernelName` on wasm now; throws when there is none. */
function wasmKernel(kernelName: string): tf.KernelConfig {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`wasm has no ${kernelName} kernel`);
  return kernel;
}

/**
 * Selects the wasm backend and returns two modes for `timeSwitchedSteps`: tfjs-wasm's own
 * kernels for `kernelNames`, and the ones `@bayesrnn/core` registers in their place. tfjs-wasm
 * registers its kernels when imported (above); `selectBackend` then puts the project's in.
 * Call once, before any other backend selection; leaves the project's kernels registered.
 */
export async function tfjsAndOwnKernels(
  kernelNames: readonly string[],
): Promise<Record<'tfjs-wasm' | 'bayesrnn', () => void>> {
  const tfjsKernels = kernelNames.map(wasmKernel);
  await selectBackend({ name: 'wasm', log: () => {} });
  const ownKernels = kernelNames.map(wasmKernel);
  const use = (kernels: readonly tf.KernelConfig[]) => () => {
    for (const kernel of kernels) {
      tf.unregisterKernel(kernel.kernelName, 'wasm');
      tf.registerKernel(kernel);
      // tfjs binds its kernel to the module in a setup step that ran before ours replaced it.
      kernel.setupFunc?.(tf.backend());
    }
  };
  return { 'tfjs-wasm': use(tfjsKernels), bayesrnn: use(ownKernels) };
}
