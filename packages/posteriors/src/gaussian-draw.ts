import {
  fillStandardNormalArray,
  isWasmHeapBackend,
  randomNormal,
  registerWasmHeapKernel,
  runHeapKernel,
  runHeapKernelBeside,
  type WasmHeapKernelSpec,
  type WasmKernelModule,
  wasmHeapFloat32,
  wasmHeapOffset,
} from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  GAUSSIAN_DRAW_WASM_PLAIN,
  GAUSSIAN_DRAW_WASM_SHARED,
} from './gaussian-draw-wasm.generated.js';
import { reparameterise, sigmaOf } from './gaussian-weight.js';

const MODULE: WasmKernelModule = {
  plain: GAUSSIAN_DRAW_WASM_PLAIN,
  shared: GAUSSIAN_DRAW_WASM_SHARED,
};

/** The tfjs kernel of the whole draw on wasm: μ, ρ in; σ, θ, ε out. */
export const GAUSSIAN_DRAW_KERNEL = 'BayesrnnGaussianDraw';

/** The tfjs kernel of the draw's ρ-gradient on wasm. */
export const GAUSSIAN_RHO_GRAD_KERNEL = 'BayesrnnGaussianRhoGrad';

/** One weight's draw: its σ, the sample θ = μ + σε, and the noise ε. */
export interface GaussianWeightDraw {
  readonly sigma: tf.Tensor;
  readonly theta: tf.Tensor;
  readonly epsilon: tf.Tensor;
}

/**
 * Draws one weight tensor `θ = μ + σ ⊙ ε`, `σ = softplus(ρ) + floor`, `ε = randomNormal(key)`
 * (papers.md §1.1), differentiable in μ and ρ. On the wasm backend one kernel does it: the
 * heap's helper threads compute σ while this thread draws ε (the random stream is sequential),
 * then θ is one split pass; its gradient is `dμ = dθ` and one pass for
 * `dρ = (dθ ε + dσ) sigmoid(ρ)` (`wasm/gaussian-draw.c`). σ, θ and ε are bit-identical to the
 * composed ops, which run on every other backend.
 */
export function drawGaussianWeight(
  mu: tf.Tensor,
  rho: tf.Tensor,
  floor: number,
  key: RngKey,
): GaussianWeightDraw {
  if (!isWasmHeapBackend(tf.backend()) || mu.dtype !== 'float32' || rho.dtype !== 'float32') {
    const sigma = sigmaOf(rho, floor);
    const epsilon = randomNormal(key, mu.shape);
    return { sigma, theta: reparameterise(mu, sigma, epsilon), epsilon };
  }
  registerGaussianDraw();
  const [sigma, theta, epsilon] = tf
    .engine()
    .runKernel(
      GAUSSIAN_DRAW_KERNEL,
      { mu, rho },
      { floor, key: key as unknown as number[] },
    ) as tf.Tensor[];
  return { sigma: sigma as tf.Tensor, theta: theta as tf.Tensor, epsilon: epsilon as tf.Tensor };
}

const WHERE = GAUSSIAN_DRAW_KERNEL;

const drawKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const mu = inputs.mu as TensorInfo;
  const rho = inputs.rho as TensorInfo;
  if (!tf.util.arraysEqual(mu.shape, rho.shape)) {
    throw new Error(
      `bayesrnn: ${WHERE} needs μ and ρ of one shape, got [${mu.shape}] and [${rho.shape}]`,
    );
  }
  const wasm = backend as unknown as { makeOutput(shape: number[], dtype: 'float32'): TensorInfo };
  const [sigma, theta, epsilon] = [0, 1, 2].map(() =>
    wasm.makeOutput([...mu.shape], 'float32'),
  ) as [TensorInfo, TensorInfo, TensorInfo];
  const size = tf.util.sizeFromShape(mu.shape);
  if (size > 0) {
    const at = (info: TensorInfo) => wasmHeapOffset(backend, info.dataId, WHERE);
    const key = attrs?.key as unknown as RngKey;
    const floor = attrs?.floor as number;
    runHeapKernelBeside(
      backend,
      MODULE,
      'gaussian_sigma',
      { pointers: [at(rho), at(sigma)], size, scalars: [floor] },
      () => fillStandardNormalArray(key, wasmHeapFloat32(backend, at(epsilon), size, WHERE)),
      WHERE,
    );
    const pointers = [at(mu), at(sigma), at(epsilon), at(theta)];
    runHeapKernel(backend, MODULE, 'gaussian_theta', { pointers, size }, WHERE);
  }
  return [sigma, theta, epsilon];
};

const RHO_GRAD: WasmHeapKernelSpec = {
  kernelName: GAUSSIAN_RHO_GRAD_KERNEL,
  module: MODULE,
  exportName: 'gaussian_rho_grad',
  inputs: ['dTheta', 'dSigma', 'epsilon', 'rho'],
  outputs: 1,
};

let registered = false;

/** Registers the draw kernel for wasm and its gradient, once. */
function registerGaussianDraw(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: GAUSSIAN_DRAW_KERNEL,
    backendName: 'wasm',
    kernelFunc: drawKernel,
  });
  registerWasmHeapKernel(RHO_GRAD);
  tf.registerGradient({
    kernelName: GAUSSIAN_DRAW_KERNEL,
    inputsToSave: ['rho'],
    outputsToSave: [false, false, true],
    gradFunc: (dy, saved) => {
      const [dSigma, dTheta] = dy as tf.Tensor[];
      const [rho, epsilon] = saved as [tf.Tensor, tf.Tensor];
      return {
        mu: () => tf.clone(dTheta as tf.Tensor),
        rho: () =>
          tf.engine().runKernel(GAUSSIAN_RHO_GRAD_KERNEL, {
            dTheta: dTheta as tf.Tensor,
            dSigma: dSigma as tf.Tensor,
            epsilon,
            rho,
          }) as tf.Tensor,
      };
    },
  });
}
