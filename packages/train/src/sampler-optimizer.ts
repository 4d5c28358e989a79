import type { NamedTensorTree, Sampler, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type Gradients, gradientFor, type Optimizer } from './optimizer.js';
import type { TrainVariables } from './train-task.js';

/**
 * Drives an SG-MCMC `Sampler` (`@bayesrnn/samplers`: SGLD, pSGLD, SGHMC) as the trainer's
 * optimiser: each step hands the clipped minibatch gradients, the step's key and the scheduled
 * step size to `sampler.step`, then assigns the new position to the variables. The sampler's
 * state (position, moments) is the optimiser state, so it checkpoints and resumes exactly, and
 * the noise comes from the step key, so a resumed chain repeats the same draws.
 *
 * @param name - stored in checkpoints and checked on resume, e.g. `'psgld'`.
 */
export function createSamplerOptimizer<State extends NamedTensorTree>(
  sampler: Sampler<string, State>,
  name: string,
): Optimizer<State> {
  return {
    name,
    // A sampler that scales gradients itself (pSGLD) gets clipping's factor instead of copies.
    acceptsGradientScale: sampler.acceptsGradientScale === true,
    init: (variables) => sampler.init(variables as Weights),
    apply(
      variables: TrainVariables,
      gradients: Gradients,
      state: State,
      learningRate,
      key,
      gradientScale,
    ) {
      if (key === undefined) throw new Error(`${name}: a sampler step needs the step's key`);
      // Samplers need every weight's gradient; only the missing ones are made (zeros), the
      // given ones are passed as they are (no per-step copy of every gradient).
      const zeros: tf.Tensor[] = [];
      const complete: Record<string, tf.Tensor> = {};
      for (const [weight, variable] of Object.entries(variables)) {
        if (gradients[weight] === undefined) {
          const zero = tf.zerosLike(variable);
          zeros.push(zero);
          complete[weight] = zero;
        } else {
          complete[weight] = gradientFor(weight, variable, gradients);
        }
      }
      try {
        const next =
          gradientScale === undefined
            ? sampler.step(state, complete, key, learningRate)
            : sampler.step(state, complete, key, learningRate, gradientScale);
        const position = sampler.position(next);
        for (const [weight, variable] of Object.entries(variables)) {
          const value = position[weight];
          if (value === undefined) throw new Error(`${name}: the sampler lost weight '${weight}'`);
          variable.assign(value);
        }
        return next;
      } finally {
        tf.dispose(zeros);
      }
    },
  };
}
