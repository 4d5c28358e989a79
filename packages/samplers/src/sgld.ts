import { tidyTree } from '@bayesrnn/core';
import type { RngKey, Sampler, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkStepSize,
  type LangevinConfig,
  type ResolvedLangevinConfig,
  resolveLangevinConfig,
} from './langevin-config.js';
import { addLangevinNoise, langevinVariance } from './langevin-noise.js';
import { potentialGradient } from './potential-gradient.js';
import { copyWeights, pairWithGradients } from './weight-gradient.js';

/** Settings of `createSgld`: only the shared `LangevinConfig`. */
export type SgldConfig = LangevinConfig;

/** SGLD's state: the current sample, `position/<weight name>`. */
export type SgldState<Name extends string = string> = { readonly position: Weights<Name> };

/** An SGLD sampler; `config` are the resolved settings (defaults filled in). */
export interface SgldSampler<Name extends string = string> extends Sampler<Name, SgldState<Name>> {
  readonly name: 'sgld';
  readonly config: ResolvedLangevinConfig;
}

/**
 * Stochastic-gradient Langevin dynamics (Welling & Teh 2011; Gan et al. 2017 eq. 6).
 *
 * The textbook step with step size `ε` on the full potential `U = N·L − log p` is
 * `θ ← θ − ε ∇U(θ) + sqrt(2 ε T) ξ`. Writing `η = ε N` (the step size on the scale of the
 * minibatch loss `L`, i.e. SGD's learning rate) and `∇U = N g + θ/σ²`:
 *
 * ```
 * θ ← θ − η (g + θ / (σ² N)) + sqrt(2 η T / N) ξ,        ξ ~ N(0, I)
 * ```
 *
 * `stepSize` in `step` is `η`. With `T = 0` this is exactly SGD on `L − log p(θ)/N`. The noise
 * is the textbook one, not the much smaller one of the released code (papers.md §2.9).
 *
 * @example
 * const sgld = createSgld<'w'>({ datasetSize: 60_000 });
 * let state = sgld.init({ w });
 * const next = sgld.step(state, { w: gradW }, foldIn(key, t), 1e-3);
 * disposeTree(state); state = next;
 */
export function createSgld<Name extends string = string>(config: SgldConfig): SgldSampler<Name> {
  const resolved = resolveLangevinConfig(config, 'SgldConfig');
  return {
    name: 'sgld',
    config: resolved,
    init: (weights) => ({ position: copyWeights(weights) }),
    step(state: SgldState<Name>, gradient: Weights<Name>, key: RngKey, stepSize: number) {
      checkStepSize(stepSize, 'SGLD');
      const pairs = pairWithGradients('SGLD', state.position, gradient);
      return tidyTree(() => {
        const position: Record<string, tf.Tensor> = {};
        for (const { name, position: theta, gradient: g } of pairs) {
          const drift = tf.mul(potentialGradient(theta, g, resolved), stepSize);
          const variance = langevinVariance(stepSize, resolved);
          position[name] = addLangevinNoise(tf.sub(theta, drift), key, name, variance);
        }
        return { position: position as Weights<Name> };
      });
    },
    position: (state) => state.position,
  };
}
