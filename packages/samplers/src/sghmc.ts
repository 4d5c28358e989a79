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
import { checkInterval } from './validate.js';
import { copyWeights, pairWithGradients, stateEntry, zerosLikeWeights } from './weight-gradient.js';

/** Settings of `createSghmc`: the shared `LangevinConfig` plus the friction. */
export interface SghmcConfig extends LangevinConfig {
  /**
   * `α`, the friction per step in `(0, 1]` (default 0.1): the momentum keeps `1 − α` of itself
   * each step. `α = 1` makes SGHMC exactly SGLD.
   */
  readonly friction?: number;
}

/** `SghmcConfig` with every default filled in. */
export interface ResolvedSghmcConfig extends ResolvedLangevinConfig {
  readonly friction: number;
}

/** `α = 0.1`, within the 0.01–0.1 range Chen et al. 2014 (§4) use. */
export const DEFAULT_SGHMC_CONFIG = { friction: 0.1 } as const;

/** SGHMC's state: `position/<name>` and the momentum `momentum/<name>` (zeros at `init`). */
export type SghmcState<Name extends string = string> = {
  readonly position: Weights<Name>;
  readonly momentum: Weights<Name>;
};

/** An SGHMC sampler; `config` are the resolved settings. */
export interface SghmcSampler<Name extends string = string>
  extends Sampler<Name, SghmcState<Name>> {
  readonly name: 'sghmc';
  readonly config: ResolvedSghmcConfig;
}

/**
 * Stochastic-gradient Hamiltonian Monte Carlo with friction (Chen, Fox & Guestrin 2014, eq. 15
 * in their "SGD with momentum" form), targeting `exp(−U/T)` with `U = N·L − log p`.
 *
 * Chen et al. write, with learning rate `ε_h` on `U`, friction `α` and `β̂ = 0` (no estimate
 * of the gradient noise): `v ← (1 − α) v − ε_h ∇U(θ) + N(0, 2 α ε_h T)`, `θ ← θ + v`. With
 * `η = ε_h N` (`stepSize`, on the scale of the minibatch loss `L`) and `g = ∇L`:
 *
 * ```
 * v ← (1 − α) v − η (g + θ / (σ² N)) + sqrt(2 α η T / N) ξ,    ξ ~ N(0, I),  v₀ = 0
 * θ ← θ + v
 * ```
 *
 * Discretisation: symplectic (semi-implicit) Euler. The gradient is taken at the current
 * position (the one the caller differentiated at), the momentum is updated first and the
 * position moves with the *new* momentum. Hence `α = 1` is exactly SGLD with the same noise,
 * and `T = 0` is SGD with heavy-ball momentum `1 − α`. The friction also absorbs the
 * minibatch-gradient noise, which is why the injected noise is `2(α − β̂)` with `β̂ = 0`.
 */
export function createSghmc<Name extends string = string>(config: SghmcConfig): SghmcSampler<Name> {
  const resolved: ResolvedSghmcConfig = {
    ...resolveLangevinConfig(config, 'SghmcConfig'),
    friction: checkInterval(
      config.friction ?? DEFAULT_SGHMC_CONFIG.friction,
      'SghmcConfig.friction',
      0,
      1,
      'low',
    ),
  };
  const { friction } = resolved;
  return {
    name: 'sghmc',
    config: resolved,
    init: (weights) => ({ position: copyWeights(weights), momentum: zerosLikeWeights(weights) }),
    step(state: SghmcState<Name>, gradient: Weights<Name>, key: RngKey, stepSize: number) {
      checkStepSize(stepSize, 'SGHMC');
      const pairs = pairWithGradients('SGHMC', state.position, gradient);
      return tidyTree(() => {
        const position: Record<string, tf.Tensor> = {};
        const momentum: Record<string, tf.Tensor> = {};
        for (const { name, position: theta, gradient: g } of pairs) {
          const v = stateEntry('SGHMC', state.momentum, 'momentum', name);
          const drift = tf.mul(potentialGradient(theta, g, resolved), stepSize);
          const kept = friction === 1 ? tf.neg(drift) : tf.sub(tf.mul(v, 1 - friction), drift);
          const variance = langevinVariance(stepSize, resolved, friction);
          const nextV = addLangevinNoise(kept, key, name, variance);
          position[name] = tf.add(theta, nextV);
          momentum[name] = nextV;
        }
        return { position: position as Weights<Name>, momentum: momentum as Weights<Name> };
      });
    },
    position: (state) => state.position,
  };
}
