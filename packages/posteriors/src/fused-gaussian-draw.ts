import {
  isWasmHeapBackend,
  registerWasmHeapKernel,
  runNoiseKernel,
  tensorFilledInPlace,
  type WasmHeapKernelSpec,
  type WasmKernelModule,
  wasmHeapFloat32,
  wasmHeapOffset,
} from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { isBuiltInPrior } from './builtin-priors.js';
import { HALF_LOG_TWO_PI } from './gaussian-density.js';
import {
  GAUSSIAN_DRAW_WASM_PLAIN,
  GAUSSIAN_DRAW_WASM_SHARED,
} from './gaussian-draw-wasm.generated.js';
import { kernelPrior } from './kernel-prior.js';
import type { Prior } from './prior.js';

const MODULE: WasmKernelModule = {
  plain: GAUSSIAN_DRAW_WASM_PLAIN,
  shared: GAUSSIAN_DRAW_WASM_SHARED,
};

/** The tfjs kernel of the fused draw on wasm: μ, ρ and four buffers in; θ and the KL out. */
export const GAUSSIAN_DRAW_KERNEL = 'BayesrnnGaussianDraw';

/** The tfjs kernel of its gradient: dθ, d log p / dθ, σ, ε, signed e^{−|ρ|} in; dμ, dρ out. */
export const GAUSSIAN_DRAW_GRAD_KERNEL = 'BayesrnnGaussianDrawGrad';

/** What {@link fusedGaussianDraw} gives: θ, and the single-sample KL when a prior was given. */
export interface FusedGaussianDraw {
  readonly theta: tf.Tensor;
  readonly kl: tf.Scalar | undefined;
}

/** The draw kernel's inputs: the weight's parameters and four buffers it fills. */
type DrawInput = 'mu' | 'rho' | 'noise' | 'sigma' | 'expRho' | 'dlogp';

/** The kernels' attrs: σ's floor, the key's words, and the prior's `[A, B, D, K, M]` or `[]`. */
interface DrawAttrs {
  readonly floor: number;
  readonly words: [number, number];
  readonly prior: number[];
}

/**
 * Draws one weight tensor `θ = μ + σ ⊙ ε` (`σ = softplus(ρ) + floor`, ε the N(0, 1) block
 * streams of `key`: the numbers `randomNormal(key, shape)` holds) and, given a prior, the
 * single-sample KL `Σ_j log q(θ_j) − log p(θ_j)` (Fortunato et al. 2017 §3; Blundell et al.
 * 2015 eq. 2), all in one pass over the weight on the wasm backend (`wasm/gaussian-draw.c`):
 * the noise is drawn slice by slice where it is used, and the weight's blocks are split over
 * the heap's helper threads. The gradient in μ and ρ of θ and the KL together is one pass too.
 * θ is bit-identical to `drawGaussianWeight`'s; the KL matches `gaussianWeightKl`'s composed
 * ops to float32 rounding (tested, and against finite differences).
 *
 * Returns `undefined` where it does not apply, and the caller composes tfjs ops: another
 * backend, a dtype other than float32, or a prior this package did not make (a user's prior
 * keeps its own `logProb`: `builtin-priors.ts`). Without a prior it draws θ alone.
 */
export function fusedGaussianDraw(
  mu: tf.Tensor,
  rho: tf.Tensor,
  floor: number,
  key: RngKey,
  prior: Prior | undefined,
): FusedGaussianDraw | undefined {
  if (!isWasmHeapBackend(tf.backend()) || mu.dtype !== 'float32' || rho.dtype !== 'float32') {
    return undefined;
  }
  if (prior !== undefined && !isBuiltInPrior(prior)) return undefined;
  registerFusedDraw();
  const attrs: DrawAttrs = {
    floor,
    words: [key.words[0], key.words[1]],
    prior: prior === undefined ? [] : kernelPrior(prior.config),
  };
  return tf.tidy(() => {
    // The kernel writes ε, σ, e^{−|ρ|} with ρ's sign (the gradient's sigmoid(ρ) is a division
    // of it) and the prior's d log p / dθ, which the gradient reads, into buffers made for the
    // call alone. As outputs, tfjs's tape would give each a
    // gradient: a zero-filled tensor the size of the weight, every step. Without a prior there
    // is no d log p / dθ: the gradient kernel masks what it reads there (ε's buffer) to zero.
    const [noise, sigma, expRho] = [0, 1, 2].map(() => tensorFilledInPlace(mu.shape, () => {}));
    const dlogp = prior === undefined ? noise : tensorFilledInPlace(mu.shape, () => {});
    const inputs = { mu, rho, noise, sigma, expRho, dlogp } as tf.NamedTensorMap;
    const [theta, kl] = tf
      .engine()
      .runKernel(GAUSSIAN_DRAW_KERNEL, inputs, attrs as unknown as NamedAttrMap) as tf.Tensor[];
    return { theta: theta as tf.Tensor, kl: prior === undefined ? undefined : (kl as tf.Scalar) };
  });
}

const WHERE = GAUSSIAN_DRAW_KERNEL;

const drawKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { mu, rho, noise, sigma, expRho, dlogp } = inputs as Record<DrawInput, TensorInfo>;
  const shapes = [rho, noise, sigma, expRho, dlogp].map((t) => t.shape);
  if (!shapes.every((shape) => tf.util.arraysEqual(mu.shape, shape))) {
    throw new Error(
      `bayesrnn: ${WHERE} needs μ, ρ and its buffers of one shape, got [${mu.shape}] and [${rho.shape}]`,
    );
  }
  const { floor, words, prior } = attrs as unknown as DrawAttrs;
  const key = { kind: 'RngKey', words } as RngKey;
  const wasm = backend as unknown as { makeOutput(shape: number[], dtype: 'float32'): TensorInfo };
  const theta = wasm.makeOutput([...mu.shape], 'float32');
  const kl = wasm.makeOutput([], 'float32');
  const at = (info: TensorInfo) => wasmHeapOffset(backend, info.dataId, WHERE);
  const size = tf.util.sizeFromShape(mu.shape);
  const withKl = prior.length === 0 ? 0 : 1;
  const params = withKl === 1 ? prior : [0, 0, 0, 0, 0];
  const args = {
    pointers: [mu, rho, theta, noise, sigma, expRho, dlogp].map(at),
    size,
    key,
    scalars: [floor, withKl, ...params],
  };
  const sum = size === 0 ? 0 : runNoiseKernel(backend, MODULE, 'gaussian_draw_kl', args, WHERE);
  wasmHeapFloat32(backend, at(kl), 1, WHERE)[0] = withKl * (sum - size * HALF_LOG_TWO_PI);
  return [theta, kl];
};

/** dθ, d log p / dθ, σ, ε, signed e^{−|ρ|} in; dμ, dρ out; then whether there is a KL, and its upstream gradient. */
const GRAD_SPEC: WasmHeapKernelSpec = {
  kernelName: GAUSSIAN_DRAW_GRAD_KERNEL,
  module: MODULE,
  exportName: 'gaussian_draw_kl_grad',
  inputs: ['dTheta', 'dlogp', 'sigma', 'noise', 'expRho'],
  outputs: 2,
  scalars: (attrs) => {
    const withKl = (attrs as unknown as DrawAttrs).prior.length === 0 ? 0 : 1;
    return [withKl, withKl === 0 ? 0 : (attrs.upstream as number)];
  },
};

let registered = false;

/** Registers the draw kernel for wasm, its gradient kernel and its gradient, once. */
function registerFusedDraw(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: GAUSSIAN_DRAW_KERNEL,
    backendName: 'wasm',
    kernelFunc: drawKernel,
  });
  registerWasmHeapKernel(GRAD_SPEC);
  tf.registerGradient({
    kernelName: GAUSSIAN_DRAW_KERNEL,
    inputsToSave: ['dlogp', 'noise', 'sigma', 'expRho'],
    gradFunc: (dy, saved, attrs) => {
      const [dTheta, dKl] = dy as tf.Tensor[];
      const [dlogp, noise, sigma, expRho] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const upstream = dKl === undefined ? 0 : (dKl.dataSync()[0] ?? 0);
      // One pass gives both gradients, so it runs here rather than in each input's closure
      // (the tape runs those in separate tidies, which would free the other output).
      const inputs = { dTheta: dTheta as tf.Tensor, dlogp, sigma, noise, expRho };
      const [dMu, dRho] = tf
        .engine()
        .runKernel(GAUSSIAN_DRAW_GRAD_KERNEL, inputs, { ...attrs, upstream }) as [
        tf.Tensor,
        tf.Tensor,
      ];
      // The buffers need no entry: no parameter made them, so the tape never asks for theirs.
      return { mu: () => dMu, rho: () => dRho };
    },
  });
}
