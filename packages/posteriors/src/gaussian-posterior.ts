import { foldIn, initWeights, randomUniform } from '@bayesrnn/core';
import type { Draw, Posterior, RngKey, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { fusedGaussianDraw } from './fused-gaussian-draw.js';
import { drawGaussianWeight } from './gaussian-draw.js';
import {
  type GaussianPosteriorConfig,
  gaussianVariableNames,
} from './gaussian-posterior-config.js';
import {
  DEFAULT_SIGMA_FLOOR,
  gaussianWeightKl,
  type KlEstimator,
  sigmaOf,
} from './gaussian-weight.js';
import type { Prior } from './prior.js';
import { tidyDraw } from './tidy-draw.js';

/** Options of `createGaussianPosterior`. */
export interface GaussianPosteriorOptions<Name extends string> {
  /** The weights to learn (a model's or a cell's `weightSpecs`); `init` gives each mean. */
  readonly specs: WeightSpecs<Name>;
  readonly key: RngKey;
  readonly prior: Prior;
  /** Which weights get a Gaussian; the others stay point estimates outside the KL. Default: all. */
  readonly isBayesian?: (name: Name) => boolean;
  /**
   * Initial σ range of a weight, σ ~ U[low, high] element-wise (ρ is set to match). Default
   * `[s/4, s/2]` with `s` the prior's standard deviation, the official example's range for LSTM
   * weights (papers.md §1.1; it uses `[s/2, s]` for the embedding and softmax).
   */
  readonly initialSigma?: (name: Name) => readonly [number, number];
  /** Default: `'closed-form'` when the prior has one, else `'sample'`. */
  readonly kl?: KlEstimator;
  /** `σ = softplus(ρ) + sigmaFloor`; default 1e-5. */
  readonly sigmaFloor?: number;
}

/** A diagonal Gaussian posterior over weights (Bayes by Backprop). */
export interface GaussianPosterior<Name extends string = string> extends Posterior<Name> {
  readonly kind: 'gaussian';
  readonly prior: Prior;
  readonly config: GaussianPosteriorConfig;
  /** Names of the weights with a Gaussian, in spec order. */
  readonly bayesianNames: readonly Name[];
  /** `{mu, rho}` variables of a Bayesian weight, by weight name. */
  parametersOf(name: Name): { readonly mu: tf.Variable; readonly rho: tf.Variable };
  /** σ of every Bayesian weight (new tensors, the caller owns them). */
  sigmas(): Partial<Weights<Name>>;
}

/**
 * A mean-field Gaussian posterior `q(θ) = Π_j N(θ_j | μ_j, σ_j²)`, `σ = softplus(ρ) + floor`,
 * for any weights (Blundell et al. 2015; Fortunato et al. 2017 §3, papers.md §1.1–1.3).
 *
 * `draw(key)` makes one reparameterised sample `θ = μ + σ ⊙ ε`, `ε = randomNormal(foldIn(key,
 * name))`, for a whole truncated window: every time step and every sequence of the batch use
 * it (the paper's estimator; drawing per step would be a different, noisier one). On wasm one
 * kernel per weight draws θ and its sampled KL (`fusedGaussianDraw`), one more gives both
 * gradients. Its `kl` is the
 * KL of all Bayesian weights, unscaled: the task divides it by batch × windows per epoch.
 *
 * Variables: `<name>/mu`, `<name>/rho` for Bayesian weights, `<name>` for point ones.
 */
export function createGaussianPosterior<Name extends string>(
  options: GaussianPosteriorOptions<Name>,
): GaussianPosterior<Name> {
  const { specs, prior } = options;
  const floor = options.sigmaFloor ?? DEFAULT_SIGMA_FLOOR;
  if (!(Number.isFinite(floor) && floor >= 0))
    throw new RangeError(`createGaussianPosterior: sigmaFloor must be ≥ 0, got ${floor}`);
  const kl = options.kl ?? (prior.klFromGaussian === undefined ? 'sample' : 'closed-form');
  if (kl === 'closed-form' && prior.klFromGaussian === undefined)
    throw new Error(
      `createGaussianPosterior: the ${prior.config.kind} prior has no closed-form KL`,
    );
  const names = Object.keys(specs) as Name[];
  const bayesianNames = names.filter((name) => options.isBayesian?.(name) ?? true);
  const bayesian = new Set<Name>(bayesianNames);
  const initialSigma =
    options.initialSigma ?? (() => [prior.stddev / 4, prior.stddev / 2] as const);
  const means = initWeights(specs, foldIn(options.key, 'mean'));
  const variables: Record<string, tf.Variable> = {};
  const parameters = new Map<Name, { mu: tf.Variable; rho: tf.Variable }>();
  for (const name of names) {
    const mean = means[name];
    if (!bayesian.has(name)) {
      variables[name] = tf.variable(mean);
      continue;
    }
    const [low, high] = initialSigma(name);
    checkSigmaRange(name, low, high, floor);
    const rho = tf.tidy(() => {
      // σ ~ U[low, high], then ρ = softplus⁻¹(σ − floor) = log(e^(σ − floor) − 1).
      const sigma = randomUniform(foldIn(options.key, `rho/${name}`), specs[name].shape, low, high);
      return tf.log(tf.expm1(tf.sub(sigma, floor)));
    });
    const pair = { mu: tf.variable(mean), rho: tf.variable(rho) };
    rho.dispose();
    const variableNames = gaussianVariableNames(name);
    variables[variableNames.mu] = pair.mu;
    variables[variableNames.rho] = pair.rho;
    parameters.set(name, pair);
  }
  tf.dispose(Object.values(means) as tf.Tensor[]);
  const pointOf = (name: Name): tf.Variable => variables[name] as tf.Variable;
  const config: GaussianPosteriorConfig = {
    kind: 'gaussian',
    prior: prior.config,
    kl,
    sigmaFloor: floor,
    bayesian: bayesianNames,
  };

  return {
    kind: 'gaussian',
    prior,
    config,
    bayesianNames,
    variables,
    parametersOf: (name) => {
      const pair = parameters.get(name);
      if (pair === undefined) throw new Error(`gaussian posterior: '${name}' is not Bayesian`);
      return pair;
    },
    sigmas: () => {
      const result: Partial<Record<Name, tf.Tensor>> = {};
      for (const [name, { rho }] of parameters) result[name] = sigmaOf(rho, floor);
      return result as Partial<Weights<Name>>;
    },
    mean: () => {
      const weights: Partial<Record<Name, tf.Tensor>> = {};
      for (const name of names) weights[name] = tf.clone(parameters.get(name)?.mu ?? pointOf(name));
      return weights as Weights<Name>;
    },
    draw: (key): Draw<Name> =>
      tidyDraw(() => {
        const weights: Partial<Record<Name, tf.Tensor>> = {};
        const terms: tf.Scalar[] = [];
        for (const name of names) {
          const pair = parameters.get(name);
          if (pair === undefined) {
            weights[name] = tf.clone(pointOf(name));
            continue;
          }
          const drawn = drawWeightWithKl(pair, prior, kl, floor, foldIn(key, name));
          weights[name] = drawn.theta;
          terms.push(drawn.kl);
        }
        const total = terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as tf.Scalar);
        return { weights: weights as Weights<Name>, kl: total };
      }),
  };
}

/**
 * One Bayesian weight's draw θ and its KL term: the fused kernel where it runs (wasm; for a
 * sampled KL, a built-in prior), else tfjs ops. A closed-form KL needs σ, not the draw.
 */
function drawWeightWithKl(
  pair: { readonly mu: tf.Variable; readonly rho: tf.Variable },
  prior: Prior,
  kl: KlEstimator,
  floor: number,
  key: RngKey,
): { readonly theta: tf.Tensor; readonly kl: tf.Scalar } {
  const { mu, rho } = pair;
  // With a sampled KL the kernel computes it, or returns undefined for a user's prior; without
  // one it draws θ alone, and the closed form takes σ.
  const fused = fusedGaussianDraw(mu, rho, floor, key, kl === 'sample' ? prior : undefined);
  if (fused !== undefined) {
    const closedForm = () => gaussianWeightKl({ mu, sigma: sigmaOf(rho, floor) }, prior, kl);
    return { theta: fused.theta, kl: fused.kl ?? closedForm() };
  }
  const draw = drawGaussianWeight(mu, rho, floor, key);
  return { theta: draw.theta, kl: gaussianWeightKl({ mu, ...draw }, prior, kl) };
}

function checkSigmaRange(name: string, low: number, high: number, floor: number): void {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low > floor && high > low)) {
    throw new RangeError(
      `createGaussianPosterior: initialSigma('${name}') must be [low, high] with ${floor} < low < high, got [${low}, ${high}]`,
    );
  }
}
