// A user's own SG-MCMC sampler, written outside bayesrnn against its public exports only: the
// stochastic-gradient Nosé–Hoover thermostat (SGNHT, Ding et al. 2014). It is built from the
// building blocks @bayesrnn/samplers exports, so it scales gradients, draws noise and reports
// bad input exactly as SGLD, pSGLD and SGHMC do.
import { tidyTree } from '@bayesrnn/core';
import {
  addLangevinNoise,
  checkStepSize,
  copyWeights,
  DEFAULT_LANGEVIN_CONFIG,
  type LangevinConfig,
  langevinVariance,
  pairWithGradients,
  potentialGradient,
  resolveLangevinConfig,
  stateEntry,
  zerosLikeWeights,
} from '@bayesrnn/samplers';
import type { RngKey, Sampler, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Settings of `createSgnht`: the library's `LangevinConfig` (`datasetSize` `N`, prior
 * variance `σ²`, temperature `T`, with the same meaning as for `createSghmc`) plus the diffusion.
 */
export interface SgnhtConfig extends LangevinConfig {
  /**
   * `a = A·h`, the injected diffusion per step in `(0, 1]` (default 0.1). The thermostat starts
   * at `a` (Ding et al.: `ξ₀ = A`), so the first steps are SGHMC's with friction `α = a`.
   */
  readonly diffusion?: number;
}

/** `SgnhtConfig` with every default filled in and checked. */
export type ResolvedSgnhtConfig = Required<SgnhtConfig>;

/**
 * `a = 0.1`, SGHMC's default friction (Chen et al. 2014 use 0.01–0.1), so that SGNHT starts
 * where `createSghmc` would; `σ² = 1`, `T = 1` are the library's `DEFAULT_LANGEVIN_CONFIG`.
 */
export const DEFAULT_SGNHT_CONFIG = { diffusion: 0.1, ...DEFAULT_LANGEVIN_CONFIG } as const;

/**
 * SGNHT's state: `position/<name>` (`θ`), `momentum/<name>` (`v = p·h`, zeros at `init`), both
 * shaped like the weights, and `thermostat`, one global scalar `α = ξ·h` (shape `[]`) shared
 * by every weight, as in Ding et al.'s original (not one per tensor).
 */
export type SgnhtState<Name extends string = string> = {
  readonly position: Weights<Name>;
  readonly momentum: Weights<Name>;
  readonly thermostat: tf.Scalar;
};

/** An SGNHT sampler; `config` holds the resolved settings. */
export interface SgnhtSampler<Name extends string = string>
  extends Sampler<Name, SgnhtState<Name>> {
  readonly name: 'sgnht';
  readonly config: ResolvedSgnhtConfig;
}

/**
 * The stochastic-gradient Nosé–Hoover thermostat (Ding, Fang, Babbush, Chen, Skeel & Neven
 * 2014, "Bayesian Sampling Using Stochastic Gradient Thermostats", Alg. 2), targeting
 * `exp(−U/T)` with `U = N·L − log p(θ)`, `p(θ) = N(0, σ² I)`, as `createSghmc` does.
 *
 * Ding et al., with step `h` on `U`, diffusion `A`, dimension `n` (all weights together) and
 * a stochastic gradient `∇Ũ` whose noise is unknown:
 *
 * ```
 * p ← p − ξ p h − ∇Ũ(θ) h + √(2 A T h) ζ,      ζ ~ N(0, I)
 * θ ← θ + p h
 * ξ ← ξ + (pᵀp / n − T) h
 * ```
 *
 * (the paper has `T = 1`; a temperature `T` scales the noise and the kinetic target alike).
 *
 * Written like `createSghmc` (Chen et al.'s "SGD with momentum" form), with `v = p h`,
 * `α = ξ h`, `a = A h` and `η = N h²` (`stepSize`, SGD's learning rate on the minibatch loss
 * `L`), and `g = ∇L` (the `gradient` given to `step`), so `∇Ũ h² = η (g + θ / (σ² N))`:
 *
 * ```
 * v ← (1 − α) v − η (g + θ / (σ² N)) + √(2 a η T / N) ζ,      v₀ = 0
 * θ ← θ + v
 * α ← α + vᵀv / n − η T / N,                                   α₀ = a
 * ```
 *
 * With `α` frozen this is exactly `createSghmc({friction: a})`. The thermostat raises `α`
 * until the kinetic temperature `vᵀv/(n η/N)` is `T`, so it absorbs gradient noise of unknown
 * variance `B` per element (`α → a + η N B / (2T)`), where SGHMC would run too hot. Noise of
 * weight `name` comes from `foldIn(key, name)` (as the library's samplers draw theirs), so a
 * step is a pure function of its arguments. Accepts clipping's `gradientScale`. Caveat: `α`
 * falls by at most `ηT/N` per step, so after a violent start (far from any mode) it needs
 * about `α N/(ηT)` steps to come back down: start from trained weights or burn in long enough.
 *
 * @example
 * const sgnht = createSgnht<'w'>({ datasetSize: 60_000 });
 * const optimizer = createSamplerOptimizer(sgnht, 'sgnht'); // from @bayesrnn/train
 */
export function createSgnht<Name extends string = string>(config: SgnhtConfig): SgnhtSampler<Name> {
  const resolved = resolveSgnhtConfig(config);
  const { datasetSize, diffusion, temperature } = resolved;
  return {
    name: 'sgnht',
    config: resolved,
    acceptsGradientScale: true,
    init: (weights) => ({
      position: copyWeights(weights),
      momentum: zerosLikeWeights(weights),
      thermostat: tf.scalar(diffusion),
    }),
    step(state, gradient, key: RngKey, stepSize: number, gradientScale?: number) {
      checkStepSize(stepSize, 'SGNHT');
      const pairs = pairWithGradients('SGNHT', state.position, gradient);
      // √(2 a η T / N) ζ: SGHMC's noise at friction a, the injected part only.
      const variance = langevinVariance(stepSize, resolved, diffusion);
      return tidyTree(() => {
        const position: Record<string, tf.Tensor> = {};
        const momentum: Record<string, tf.Tensor> = {};
        const keep = tf.sub(1, state.thermostat);
        const squares: tf.Tensor[] = [];
        let size = 0;
        for (const { name, position: theta, gradient: raw } of pairs) {
          const g = gradientScale === undefined ? raw : tf.mul(raw, gradientScale);
          // ∇Ũ h² = η (g + θ / (σ² N)): the minibatch gradient plus the prior's pull.
          const drift = tf.mul(potentialGradient(theta, g, resolved), stepSize);
          // v ← (1 − α) v − ∇Ũ h² + √(2 a η T / N) ζ,  ζ from foldIn(key, name)
          const v = stateEntry('SGNHT', state.momentum, 'momentum', name);
          const next = addLangevinNoise(tf.sub(tf.mul(v, keep), drift), key, name, variance);
          // θ ← θ + v
          position[name] = tf.add(theta, next);
          momentum[name] = next;
          squares.push(tf.sum(tf.square(next)));
          size += theta.size;
        }
        // α ← α + vᵀv / n − η T / N: one thermostat over all n elements of all weights.
        const kinetic = tf.div(squares.length === 0 ? 0 : tf.addN(squares), Math.max(size, 1));
        const thermostat = tf.add(
          state.thermostat,
          tf.sub(kinetic, (stepSize * temperature) / datasetSize),
        );
        return {
          position: position as Weights<Name>,
          momentum: momentum as Weights<Name>,
          thermostat: thermostat as tf.Scalar,
        };
      });
    },
    position: (state) => state.position,
  };
}

/**
 * Fills in `DEFAULT_SGNHT_CONFIG` and checks every value, the shared ones by the library's
 * own `resolveLangevinConfig` (the same messages as its samplers).
 *
 * @throws RangeError naming the option and the value, e.g.
 *   `SgnhtConfig.diffusion must be in (0, 1], got -1`.
 */
function resolveSgnhtConfig(config: SgnhtConfig): ResolvedSgnhtConfig {
  const diffusion = config.diffusion ?? DEFAULT_SGNHT_CONFIG.diffusion;
  // Above 1 the starting friction `1 − α < 0` would flip the momentum's sign every step.
  if (!(Number.isFinite(diffusion) && diffusion > 0 && diffusion <= 1)) {
    throw new RangeError(`SgnhtConfig.diffusion must be in (0, 1], got ${diffusion}`);
  }
  return { ...resolveLangevinConfig(config, 'SgnhtConfig'), diffusion };
}
