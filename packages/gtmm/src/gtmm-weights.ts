import type { LstmCell } from '@bayesrnn/cells';
import type { WeightSpecs } from '@bayesrnn/spec';
import { denseSpecs } from './dense-layer.js';
import type { GtmmConfig } from './gtmm-config.js';

/** Width of the memory context Ψ_t = [h_t; r_t] (just h_t without a memory). */
export function contextSize(config: GtmmConfig): number {
  return config.hiddenSize + (config.memory?.readSize ?? 0);
}

/** Columns of the interface projection: the control vector, less the latent it may begin with. */
export function interfaceSize(config: GtmmConfig): number {
  const controlSize = config.memory?.controlSize ?? 0;
  return config.latentWrite ? controlSize - config.latentSize : controlSize;
}

/**
 * Every weight of the model, by name:
 * - `encoder` φ_x: `[frameSize, mlpSize]` (ReLU), applied to every frame at once;
 * - `prior/hidden`, `prior/out`: Ψ_{t−1} → (μ_p, σ_p) (tanh, then `[mlpSize, 2·latentSize]`);
 * - `posterior/hidden`, `posterior/out`: [Ψ_{t−1}; φ_x(x_t)] → (μ_q, σ_q);
 * - `decoder/hidden`, `decoder/out`: z_t → Bernoulli logits of x_t (the latent-only decoder);
 * - `controller/kernel`, `controller/bias`: the LSTM over [z_t; r_{t−1}];
 * - `interface` (with a memory): [h_t; z_t] → the memory's control vector.
 * Each dense layer has `<name>/kernel` and `<name>/bias`.
 */
export function gtmmWeightSpecs(config: GtmmConfig, controller: LstmCell): WeightSpecs {
  const { frameSize, latentSize, hiddenSize, mlpSize } = config;
  const context = contextSize(config);
  const specs: Record<string, WeightSpecs[string]> = {
    ...denseSpecs('encoder', frameSize, mlpSize),
    ...denseSpecs('prior/hidden', context, mlpSize),
    ...denseSpecs('prior/out', mlpSize, 2 * latentSize),
    ...denseSpecs('posterior/hidden', context + mlpSize, mlpSize),
    ...denseSpecs('posterior/out', mlpSize, 2 * latentSize),
    ...denseSpecs('decoder/hidden', latentSize, mlpSize),
    ...denseSpecs('decoder/out', mlpSize, frameSize),
  };
  for (const [name, spec] of Object.entries(controller.weightSpecs)) {
    specs[`controller/${name}`] = spec;
  }
  if (config.memory !== undefined && interfaceSize(config) > 0) {
    Object.assign(specs, denseSpecs('interface', hiddenSize + latentSize, interfaceSize(config)));
  }
  return specs;
}
