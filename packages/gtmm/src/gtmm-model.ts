import { createLstmCell, type LstmCell, type LstmState } from '@bayesrnn/cells';
import { checkShape, randomNormal, tidyTree } from '@bayesrnn/core';
import type { NamedTensorTree, RngKey, WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { dense } from './dense-layer.js';
import { type GtmmConfig, resolveGtmmConfig } from './gtmm-config.js';
import { gtmmWeightSpecs } from './gtmm-weights.js';
import {
  bernoulliNll,
  type DiagonalGaussian,
  gaussianFromOutput,
  gaussianKl,
  reparameterise,
} from './latent-distributions.js';

/** The per-frame terms of the bound, each `[batchSize, steps]`, in nats. */
export interface GtmmTerms {
  /** −log p(x_t | z_t): what the frame cost to reconstruct from its latent. */
  readonly nll: tf.Tensor2D;
  /** KL[q(z_t | z_<t, x_≤t) ‖ p(z_t | z_<t, x_<t)]: the nats the model did not predict. */
  readonly kl: tf.Tensor2D;
}

/** A generative temporal model: its weights and its filtering pass. */
export interface Gtmm {
  readonly config: GtmmConfig;
  readonly weightSpecs: WeightSpecs;
  /**
   * The filtering posterior over whole sequences, one reparameterised z_t per frame, and the
   * bound's per-frame terms (Gemici et al. 2017, eq. 5–6): F = Σ_t −(nll_t + kl_t).
   *
   * @param frames - x, `[batchSize, steps, frameSize]`.
   * @param noise - ε of every draw, `[steps, batchSize, latentSize]` (`gtmmNoise`).
   */
  run(weights: Weights, frames: tf.Tensor3D, noise: tf.Tensor3D): GtmmTerms;
}

/** ε for `Gtmm.run`, `[steps, batchSize, latentSize]`, from an explicit key. */
export function gtmmNoise(
  key: RngKey,
  batchSize: number,
  steps: number,
  latentSize: number,
): tf.Tensor3D {
  return randomNormal(key, [steps, batchSize, latentSize]) as tf.Tensor3D;
}

/** What the loop carries from one frame to the next. */
interface Carry {
  readonly controller: LstmState;
  readonly memory: NamedTensorTree | undefined;
  /** r_t, `[batchSize, readSize]`; `[batchSize, 0]` without a memory. */
  readonly read: tf.Tensor2D;
}

const OWNER = 'GTMM';

function controllerWeights(weights: Weights): Weights<'kernel' | 'bias'> {
  return { kernel: weights['controller/kernel'], bias: weights['controller/bias'] } as Weights<
    'kernel' | 'bias'
  >;
}

function gaussianNet(weights: Weights, name: string, input: tf.Tensor2D): DiagonalGaussian {
  return gaussianFromOutput(
    dense(weights, `${name}/out`, dense(weights, `${name}/hidden`, input, 'tanh')),
  );
}

/**
 * One frame of the filter: prior and posterior from the memory context Ψ_{t−1}, the draw z_t,
 * then the controller and the memory move on to Ψ_t (eq. 7–8 and 13–16).
 */
function filterStep(
  config: GtmmConfig,
  controller: LstmCell,
  weights: Weights,
  carry: Carry,
  encodedFrame: tf.Tensor2D,
  noise: tf.Tensor2D,
): { carry: Carry; latent: tf.Tensor2D; kl: tf.Tensor1D } {
  const context = tf.concat([carry.controller.h, carry.read], 1) as tf.Tensor2D;
  const prior = gaussianNet(weights, 'prior', context);
  const posterior = gaussianNet(weights, 'posterior', tf.concat([context, encodedFrame], 1));
  const latent = reparameterise(posterior, noise);
  const kl = gaussianKl(posterior, prior);
  const input = tf.concat([latent, carry.read], 1) as tf.Tensor2D;
  const next = controller.step(controllerWeights(weights), input, carry.controller, {});
  const { memory } = config;
  if (memory === undefined || carry.memory === undefined) {
    return { carry: { ...carry, controller: next.state }, latent, kl };
  }
  const projected = dense(weights, 'interface', tf.concat([next.state.h, latent], 1));
  const flat = config.latentWrite ? tf.concat([latent, projected], 1) : projected;
  const control = memory.parseControl(flat as tf.Tensor2D);
  const read = memory.read(memory.write(carry.memory, control), control);
  return {
    carry: { controller: next.state, memory: read.state, read: read.readVector },
    latent,
    kl,
  };
}

/**
 * Creates a generative temporal model with memory (Gemici et al. 2017; papers.md §4.1–4.4):
 * a latent-only decoder p(x_t | z_t) (Bernoulli pixels), a prior p(z_t | Ψ_{t−1}) and a
 * filtering posterior q(z_t | Ψ_{t−1}, x_t), both diagonal Gaussians, and a memory context
 * Ψ_t = [h_t; r_t] built by an LSTM controller over [z_t; r_{t−1}] and an external memory that
 * is written and read once per frame. Without a memory it is the VRNN baseline of the paper's
 * Fig. 1a with the same latent-only decoder, so every bit of x_t passes through z_t and the
 * per-frame KL measures what the model failed to predict.
 *
 * The encoder and decoder run on all frames at once, off the per-frame path; only the prior,
 * posterior, controller and memory step in time.
 */
export function createGtmm(config: Partial<GtmmConfig> = {}): Gtmm {
  const resolved = resolveGtmmConfig(config);
  const { frameSize, latentSize, hiddenSize, memory } = resolved;
  const readSize = memory?.readSize ?? 0;
  const controller = createLstmCell({ inputSize: latentSize + readSize, hiddenSize });
  return {
    config: resolved,
    weightSpecs: gtmmWeightSpecs(resolved, controller),
    run(weights, frames, noise) {
      const [batchSize, steps] = frames.shape;
      checkShape(OWNER, 'frames', frames, [batchSize, steps, frameSize]);
      checkShape(OWNER, 'noise', noise, [steps, batchSize, latentSize]);
      return tidyTree((): GtmmTerms => {
        const flatFrames = tf.reshape(frames, [batchSize * steps, frameSize]) as tf.Tensor2D;
        const encoded = tf.reshape(dense(weights, 'encoder', flatFrames, 'relu'), [
          batchSize,
          steps,
          -1,
        ]);
        let carry: Carry = {
          controller: controller.initialState(batchSize),
          memory: memory?.initialState(batchSize),
          read: tf.zeros([batchSize, readSize]),
        };
        const latents: tf.Tensor2D[] = [];
        const kls: tf.Tensor1D[] = [];
        const frameCodes = tf.unstack(encoded, 1) as tf.Tensor2D[];
        const draws = tf.unstack(noise) as tf.Tensor2D[];
        frameCodes.forEach((code, t) => {
          const step = filterStep(
            resolved,
            controller,
            weights,
            carry,
            code,
            draws[t] as tf.Tensor2D,
          );
          carry = step.carry;
          latents.push(step.latent);
          kls.push(step.kl);
        });
        // Decode every frame at once: [batchSize · steps] rows, time-major, then [batchSize, steps].
        const allLatents = tf.reshape(tf.stack(latents), [steps * batchSize, latentSize]);
        const logits = dense(
          weights,
          'decoder/out',
          dense(weights, 'decoder/hidden', allLatents as tf.Tensor2D, 'relu'),
        );
        const timeMajorFrames = tf.reshape(tf.transpose(frames, [1, 0, 2]), [
          steps * batchSize,
          frameSize,
        ]);
        const nll = tf.transpose(
          tf.reshape(bernoulliNll(logits, timeMajorFrames as tf.Tensor2D), [steps, batchSize]),
        );
        const kl = tf.transpose(tf.stack(kls));
        return { nll: nll as tf.Tensor2D, kl: kl as tf.Tensor2D };
      });
    },
  };
}
