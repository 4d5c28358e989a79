import {
  isWasmHeapBackend,
  registerWasmHeapKernel,
  runHeapKernel,
  type WasmHeapKernelSpec,
  type WasmKernelModule,
  wasmHeapOffset,
} from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { isBuiltInPrior } from './builtin-priors.js';
import {
  GAUSSIAN_SAMPLE_KL_WASM_PLAIN,
  GAUSSIAN_SAMPLE_KL_WASM_SHARED,
} from './gaussian-sample-kl-wasm.generated.js';
import type { Prior, PriorConfig } from './prior.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

const MODULE: WasmKernelModule = {
  plain: GAUSSIAN_SAMPLE_KL_WASM_PLAIN,
  shared: GAUSSIAN_SAMPLE_KL_WASM_SHARED,
};

const WHERE = 'fused Gaussian sample KL';

/**
 * A prior's log density in the form the kernel takes:
 * `log p(θ) = A − B θ² + M · softplus(D − K θ²)` (see `wasm/gaussian-sample-kl.c`).
 */
interface QuadraticSoftplusPrior {
  readonly a: number;
  readonly b: number;
  readonly d: number;
  readonly k: number;
  readonly m: number;
}

/** The kernel's form of a Gaussian or scale-mixture prior (as `scale-mixture-prior.ts` sums it). */
export function kernelPrior(config: PriorConfig): QuadraticSoftplusPrior {
  if (config.kind === 'gaussian') {
    const { sigma } = config;
    return { a: -HALF_LOG_TWO_PI - Math.log(sigma), b: 1 / (2 * sigma * sigma), d: 0, k: 0, m: 0 };
  }
  const { pi, sigma1, sigma2 } = config;
  const offset1 = Math.log(pi) - Math.log(sigma1) - HALF_LOG_TWO_PI;
  const offset2 = Math.log(1 - pi) - Math.log(sigma2) - HALF_LOG_TWO_PI;
  return {
    a: offset1,
    b: 1 / (2 * sigma1 * sigma1),
    d: offset2 - offset1,
    k: 1 / (2 * sigma2 * sigma2) - 1 / (2 * sigma1 * sigma1),
    m: 1,
  };
}

type PriorParams = [number, number, number, number, number];

/** The tfjs kernel name of the fused gradient (registered for `wasm` on first use). */
export const GAUSSIAN_SAMPLE_KL_GRAD_KERNEL = 'BayesrnnGaussianSampleKlGrad';

/** μ, σ, ε in; dμ, dσ out; then the upstream gradient and the prior's five numbers. */
const KL_GRAD_SPEC: WasmHeapKernelSpec = {
  kernelName: GAUSSIAN_SAMPLE_KL_GRAD_KERNEL,
  module: MODULE,
  exportName: 'gaussian_sample_kl_grad',
  inputs: ['mu', 'sigma', 'epsilon'],
  outputs: 2,
  scalars: (attrs) => [attrs.upstream as number, ...(attrs.prior as PriorParams)],
};

/**
 * The single-sample KL `log q(θ) − log p(θ)` of one weight tensor's draw `θ = μ + σε`, with
 * its gradient in `μ` and `σ` (tfjs chains `σ` back to `ρ`): on the wasm backend one fused
 * SIMD pass forward and one backward (`wasm/gaussian-sample-kl.c`) instead of about fifteen
 * element-wise ops, each split over the heap's helper threads when it has them (`runHeapKernel`;
 * the forward's partial sums are added in float64, so the value can differ in the last bits
 * from one thread's); `undefined` elsewhere, where `gaussianWeightKl`'s composed ops run. Same
 * value and gradients as those ops up to float32 rounding (tested, and against finite
 * differences). `ε` gets a zero gradient: it is noise, not a parameter. Only this package's
 * own priors take it (a user's prior keeps its own `logProb`: `builtin-priors.ts`).
 */
export function fusedGaussianSampleKl(
  mu: tf.Tensor,
  sigma: tf.Tensor,
  epsilon: tf.Tensor,
  prior: Prior,
): tf.Scalar | undefined {
  const backend = tf.backend();
  if (!isWasmHeapBackend(backend) || !isBuiltInPrior(prior)) return undefined;
  const { a, b, d, k, m } = kernelPrior(prior.config);
  const params: PriorParams = [a, b, d, k, m];
  const offset = (t: tf.Tensor) => wasmHeapOffset(backend, t.dataId, WHERE);
  // ε is saved, not an input: the KL's gradient w.r.t. the noise is never wanted, and an input
  // would need one, a zero-filled tensor the size of the weight on every step.
  const klOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [muIn, sigmaIn, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([muIn, sigmaIn, epsilon]);
    const size = muIn.size;
    const pointers = [offset(muIn), offset(sigmaIn), offset(epsilon)];
    const sum =
      size === 0
        ? 0
        : runHeapKernel(
            backend,
            MODULE,
            'gaussian_sample_kl',
            { pointers, size, scalars: params },
            WHERE,
          );
    return {
      value: tf.scalar(sum - size * HALF_LOG_TWO_PI),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [m0, s0, e0] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        registerWasmHeapKernel(KL_GRAD_SPEC);
        const attrs = { upstream: dy.dataSync()[0] ?? 0, prior: params };
        const inputs = { mu: m0, sigma: s0, epsilon: e0 };
        return tf.engine().runKernel(KL_GRAD_SPEC.kernelName, inputs, attrs) as [
          tf.Tensor,
          tf.Tensor,
        ];
      },
    };
  });
  return klOp(mu, sigma) as tf.Scalar;
}
