import {
  isWasmHeapBackend,
  registerWasmHeapKernel,
  runNoiseKernel,
  type WasmHeapKernelSpec,
  type WasmKernelModule,
  wasmHeapFloat32,
  wasmHeapOffset,
} from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { SHARPEN_WASM_PLAIN, SHARPEN_WASM_SHARED } from './sharpen-wasm.generated.js';

const MODULE: WasmKernelModule = { plain: SHARPEN_WASM_PLAIN, shared: SHARPEN_WASM_SHARED };

/** The tfjs kernel of the fused sharpened draw on wasm: φ, η, g_φ in; θ and the KL out. */
export const SHARPEN_KERNEL = 'BayesrnnSharpen';

/** The tfjs kernel of its gradient in η: dθ, η, g_φ in; dη out. */
export const SHARPEN_ETA_GRAD_KERNEL = 'BayesrnnSharpenEtaGrad';

/** The kernels' attrs: σ0 and the noise key's words. */
interface SharpenAttrs {
  readonly sigma0: number;
  readonly words: [number, number];
}

/**
 * `sharpenWeight`'s draw `θ = φ − η ⊙ g_φ + σ0 ε` and its KL `Σ (η g_φ)² / (2σ0²)` in one pass
 * on the wasm backend (`wasm/sharpen.c`), with ε the block streams of `key` (the numbers
 * `randomNormal(key, shape)` holds) drawn where they are used, the weight's blocks split over
 * the heap's helper threads; the gradient in η is one more pass, and dφ = dθ. θ is
 * bit-identical to `sharpenWeight`'s on the same noise; the KL matches it to float32 rounding.
 * `g_φ` is a constant, as there (papers.md §1.4). `undefined` on other backends or dtypes,
 * where the caller composes tfjs ops.
 */
export function fusedSharpenWeight(
  phi: tf.Tensor,
  eta: tf.Tensor,
  gradient: tf.Tensor,
  key: RngKey,
  sigma0: number,
): { theta: tf.Tensor; kl: tf.Scalar } | undefined {
  const inputs = { phi, eta, gradient };
  if (!isWasmHeapBackend(tf.backend())) return undefined;
  if (Object.values(inputs).some((t) => t.dtype !== 'float32')) return undefined;
  registerFusedSharpen();
  const attrs: SharpenAttrs = { sigma0, words: [key.words[0], key.words[1]] };
  // The kernel draws ε into θ's own memory, slice by slice, just before it overwrites it.
  const [theta, kl] = tf
    .engine()
    .runKernel(SHARPEN_KERNEL, inputs, attrs as unknown as NamedAttrMap) as tf.Tensor[];
  return { theta: theta as tf.Tensor, kl: kl as tf.Scalar };
}

const WHERE = SHARPEN_KERNEL;

const sharpenKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { phi, eta, gradient } = inputs as Record<'phi' | 'eta' | 'gradient', TensorInfo>;
  if (![eta, gradient].every((t) => tf.util.arraysEqual(t.shape, phi.shape))) {
    throw new Error(
      `bayesrnn: ${WHERE} needs φ, η and g_φ of one shape, got [${phi.shape}], [${eta.shape}] and [${gradient.shape}]`,
    );
  }
  const { sigma0, words } = attrs as unknown as SharpenAttrs;
  const wasm = backend as unknown as { makeOutput(shape: number[], dtype: 'float32'): TensorInfo };
  const theta = wasm.makeOutput([...phi.shape], 'float32');
  const kl = wasm.makeOutput([], 'float32');
  const at = (info: TensorInfo) => wasmHeapOffset(backend, info.dataId, WHERE);
  const size = tf.util.sizeFromShape(phi.shape);
  const args = {
    pointers: [phi, eta, gradient, theta].map(at),
    size,
    key: { kind: 'RngKey', words } as RngKey,
    scalars: [sigma0],
  };
  const squares = size === 0 ? 0 : runNoiseKernel(backend, MODULE, 'sharpen_draw', args, WHERE);
  wasmHeapFloat32(backend, at(kl), 1, WHERE)[0] = squares / (2 * sigma0 * sigma0);
  return [theta, kl];
};

/** dθ, η, g_φ in; dη out; then c = dKL / σ0². */
const ETA_GRAD_SPEC: WasmHeapKernelSpec = {
  kernelName: SHARPEN_ETA_GRAD_KERNEL,
  module: MODULE,
  exportName: 'sharpen_grad',
  inputs: ['dTheta', 'eta', 'gradient'],
  outputs: 1,
  scalars: (attrs) => [attrs.c as number],
};

let registered = false;

/** Registers the sharpen kernel for wasm, its η-gradient kernel and its gradient, once. */
function registerFusedSharpen(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: SHARPEN_KERNEL, backendName: 'wasm', kernelFunc: sharpenKernel });
  registerWasmHeapKernel(ETA_GRAD_SPEC);
  tf.registerGradient({
    kernelName: SHARPEN_KERNEL,
    inputsToSave: ['eta', 'gradient'],
    gradFunc: (dy, saved, attrs) => {
      const [dTheta, dKl] = dy as [tf.Tensor, tf.Tensor];
      const [eta, gradient] = saved as [tf.Tensor, tf.Tensor];
      const { sigma0 } = attrs as unknown as SharpenAttrs;
      const c = (dKl.dataSync()[0] ?? 0) / (sigma0 * sigma0);
      return {
        phi: () => tf.clone(dTheta),
        eta: () =>
          tf
            .engine()
            .runKernel(SHARPEN_ETA_GRAD_KERNEL, { dTheta, eta, gradient }, { c }) as tf.Tensor,
        // g_φ is a constant of the sharpened draw (no Hessian term, papers.md §1.4); its
        // gradient is written out only for a caller who passes one that is not.
        gradient: () => tf.mul(eta, tf.sub(tf.mul(tf.mul(eta, gradient), c), dTheta)),
      };
    },
  });
}
