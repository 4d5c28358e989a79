import { detach, foldIn, randomNormal, splitKey } from '@bayesrnn/core';
import type { Draw, DrawContext, Posterior, RngKey, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { fusedSharpenWeight } from './fused-sharpen.js';
import type { GaussianPosterior } from './gaussian-posterior.js';
import { sharpenWeight } from './sharpening.js';
import { tidyDraw } from './tidy-draw.js';

/** Settings of posterior sharpening (papers.md §1.4). */
export interface SharpeningOptions<Name extends string> {
  /** σ0 of `q(θ | φ, (x, y))` and `p(θ | φ)`; the paper's 0.02. */
  readonly sigma0?: number;
  /** Initial value of every element of η (learned, one per weight); default 1e-3 (§1.8). */
  readonly etaInit?: number;
  /** Which Bayesian weights to sharpen; default all of them (papers.md §1.4 recommendation). */
  readonly isSharpened?: (name: Name) => boolean;
}

/** JSON that rebuilds the sharpening around a checkpoint. */
export interface SharpenedPosteriorConfig {
  readonly kind: 'sharpened';
  readonly sigma0: number;
  readonly etaInit: number;
  readonly sharpened: readonly string[];
}

/** A Gaussian posterior with posterior sharpening. */
export interface SharpenedPosterior<Name extends string = string> extends Posterior<Name> {
  readonly kind: 'sharpened';
  readonly base: GaussianPosterior<Name>;
  readonly config: SharpenedPosteriorConfig;
  readonly sharpenedNames: readonly Name[];
}

/** The name of a sharpened weight's η variable among the posterior's `variables`. */
export function etaVariableName(weight: string): string {
  return `${weight}/eta`;
}

/**
 * The gradient-clipping group of a sharpened posterior's variable: `'eta'` for η, `'weights'`
 * for μ, ρ and point weights. Pass it as `train`'s `clipGroups` so that η's gradients, which
 * early in training can be several times the norm of all the others together (on a language
 * model's softmax kernel), are clipped by their own norm and do not shrink μ's and ρ's steps.
 * η then also takes larger steps: on the CPU-scale PTB runs (apps/lm/README.md) the posterior
 * mean matched Bayes by Backprop's perplexity, but η grew and the sharpened bound got worse,
 * unless η's group also had a small threshold of its own (`groupClipNorms: { eta: 0.5 }`).
 */
export function sharpeningClipGroup(variableName: string): 'eta' | 'weights' {
  return variableName.endsWith('/eta') ? 'eta' : 'weights';
}

/**
 * Posterior sharpening (Fortunato et al. 2017, §4): the per-minibatch hierarchical posterior
 * `q(θ | φ, (x, y)) = N(θ | φ − η ⊙ g_φ, σ0² I)`, `φ ~ q(φ)` the base Gaussian posterior,
 * `g_φ = ∇_φ L_data(φ)` with `L_data` the task's minibatch data loss (`context.lossOf`, one
 * extra forward/backward pass over the same window), η a learned per-weight vector
 * (variables `<name>/eta`).
 *
 * A training draw with `lossOf` returns θ, the base's global `kl` (weighted 1/(B·C) by the
 * task) and `minibatchKl = Σ (η ⊙ g)² / (2σ0²)` (paid for every minibatch, eq. 9).
 *
 * **Gradient through `g_φ`: stopped.** `g_φ` is computed from detached copies of φ, so it is
 * a constant for the outer gradient: μ and ρ are trained through φ in `θ = φ − η g + σ0 ε`, η
 * through θ and the KL. Exact differentiation would need Hessian-vector products; the paper
 * does not say it kept them, and stopping costs nothing (papers.md §1.4, §6).
 *
 * Evaluation draws (`training: false`, or no `lossOf`) and `mean()` are the base posterior's:
 * option (a) of the paper's §4 inference (no labels used). Perplexities are then plain, not
 * the upper bound of option (b), which `@bayesrnn/models`' `evaluateSharpenedBound` computes
 * from training draws on each evaluation window.
 */
export function createSharpenedPosterior<Name extends string>(
  base: GaussianPosterior<Name>,
  options: SharpeningOptions<Name> = {},
): SharpenedPosterior<Name> {
  const sigma0 = options.sigma0 ?? 0.02;
  const etaInit = options.etaInit ?? 1e-3;
  if (!(Number.isFinite(sigma0) && sigma0 > 0))
    throw new RangeError(`createSharpenedPosterior: sigma0 must be > 0, got ${sigma0}`);
  if (!Number.isFinite(etaInit))
    throw new RangeError(`createSharpenedPosterior: etaInit must be finite, got ${etaInit}`);
  const sharpenedNames = base.bayesianNames.filter((name) => options.isSharpened?.(name) ?? true);
  const etas = new Map<Name, tf.Variable>();
  const variables: Record<string, tf.Variable> = { ...base.variables };
  for (const name of sharpenedNames) {
    const initial = tf.fill(base.parametersOf(name).mu.shape, etaInit);
    const eta = tf.variable(initial);
    initial.dispose();
    etas.set(name, eta);
    variables[etaVariableName(name)] = eta;
  }
  const config: SharpenedPosteriorConfig = {
    kind: 'sharpened',
    sigma0,
    etaInit,
    sharpened: sharpenedNames,
  };

  const sharpen = (
    key: RngKey,
    phi: Draw<Name>,
    lossOf: DrawContext<Name>['lossOf'],
  ): Draw<Name> => {
    if (lossOf === undefined) return phi;
    const gradients = dataGradient(phi.weights, sharpenedNames, lossOf);
    const weights: Partial<Record<Name, tf.Tensor>> = { ...phi.weights };
    const terms: tf.Scalar[] = [];
    sharpenedNames.forEach((name, index) => {
      const eta = etas.get(name) as tf.Variable;
      const { theta, kl } = sharpenOne(
        phi.weights[name],
        eta,
        gradients[index] as tf.Tensor,
        foldIn(key, name),
        sigma0,
      );
      weights[name] = theta;
      terms.push(kl);
    });
    const minibatchKl = terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as tf.Scalar);
    return { weights: weights as Weights<Name>, kl: phi.kl, minibatchKl };
  };

  return {
    kind: 'sharpened',
    base,
    config,
    sharpenedNames,
    variables,
    mean: () => base.mean(),
    draw: (key, context) => {
      const [phiKey, noiseKey] = splitKey(key, 2) as [RngKey, RngKey];
      if (!context.training) return base.draw(phiKey, context);
      return tidyDraw(() => sharpen(noiseKey, base.draw(phiKey, context), context.lossOf));
    },
  };
}

/** One weight's sharpened draw: one fused kernel on wasm, else `sharpenWeight`'s tfjs ops. */
function sharpenOne(
  phi: tf.Tensor,
  eta: tf.Tensor,
  gradient: tf.Tensor,
  key: RngKey,
  sigma0: number,
): { theta: tf.Tensor; kl: tf.Scalar } {
  const fused = fusedSharpenWeight(phi, eta, gradient, key, sigma0);
  if (fused !== undefined) return fused;
  return sharpenWeight(phi, eta, gradient, randomNormal(key, phi.shape), sigma0);
}

/**
 * `g_φ = ∇ L_data` at φ for the sharpened weights, taken on detached copies of every weight so
 * that neither the outer gradient reaches it nor its graph is walked by the outer backward pass.
 */
function dataGradient<Name extends string>(
  phi: Weights<Name>,
  names: readonly Name[],
  lossOf: (weights: Weights<Name>) => tf.Scalar,
): tf.Tensor[] {
  if (names.length === 0) return [];
  const constants: Partial<Record<Name, tf.Tensor>> = {};
  for (const name of Object.keys(phi) as Name[]) constants[name] = detach(phi[name]);
  const loss = (...inputs: tf.Tensor[]): tf.Scalar => {
    const weights: Partial<Record<Name, tf.Tensor>> = { ...constants };
    names.forEach((name, index) => {
      weights[name] = inputs[index] as tf.Tensor;
    });
    return lossOf(weights as Weights<Name>);
  };
  return tf.grads(loss)(names.map((name) => constants[name] as tf.Tensor));
}
