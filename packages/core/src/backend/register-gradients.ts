import * as tf from '@tensorflow/tfjs-core';
import { registerIdentityGradient } from '../grad/identity-gradient.js';

/**
 * Makes sure every tfjs gradient is registered with the engine, so training works.
 *
 * `@tensorflow/tfjs-core`'s Node entry registers no gradients (training fails with "gradient
 * function not found"), and its ESM `register_all_gradients.js` cannot be imported by Node
 * (extensionless imports). The Node bundle of `@tensorflow/tfjs` registers them all, and the
 * gradient registry is global, so importing it once suffices. Then Identity's gradient is
 * replaced by one that does not copy (`registerIdentityGradient`). Idempotent: it checks the
 * registry first.
 */
export async function registerAllGradients(): Promise<void> {
  if (!hasGradients()) await import('@tensorflow/tfjs');
  if (!hasGradients()) {
    throw new Error(
      'bayesrnn: importing @tensorflow/tfjs registered no gradients; is a second copy of ' +
        '@tensorflow/tfjs-core installed? (npm ls @tensorflow/tfjs-core)',
    );
  }
  registerIdentityGradient();
}

/** BatchMatMul's gradient stands for all of them: they are registered together. */
function hasGradients(): boolean {
  return tf.getGradient(tf.BatchMatMul) !== undefined;
}
