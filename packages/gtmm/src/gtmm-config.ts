import { checkPositiveInteger } from '@bayesrnn/core';
import type { Memory, NamedTensorTree } from '@bayesrnn/spec';

/** A memory whose control and state the model treats generically (`@bayesrnn/memory`'s, or yours). */
export type GtmmMemory = Memory<NamedTensorTree, NamedTensorTree>;

/** Sizes and memory of a generative temporal model (Gemici et al. 2017). */
export interface GtmmConfig {
  /** D: pixels of a frame (a 7 × 7 binary frame: 49). */
  readonly frameSize: number;
  /** Z: size of the latent z_t. */
  readonly latentSize: number;
  /** Units of the LSTM controller f_rnn. */
  readonly hiddenSize: number;
  /** Hidden units of the encoder, decoder, prior and posterior networks (one layer each). */
  readonly mlpSize: number;
  /** The external memory; none gives the VRNN baseline, whose context is h_t alone. */
  readonly memory?: GtmmMemory | undefined;
  /**
   * The memory stores the sampled latent itself: its control vector begins with the word to
   * write, and that word is z_t (the introspective GTMM, eq. 9). Otherwise the whole control
   * vector is a linear map of [h_t; z_t] (papers.md §4.4's default for NTM, LRU and DNC).
   */
  readonly latentWrite?: boolean;
}

/** papers.md §4.8's small reproduction: 7 × 7 frames, z ∈ R^8, a 64-unit LSTM and MLPs. */
export const DEFAULT_GTMM_CONFIG: Readonly<GtmmConfig> = Object.freeze({
  frameSize: 49,
  latentSize: 8,
  hiddenSize: 64,
  mlpSize: 64,
});

/** Fills the defaults and checks every size; throws a RangeError naming the option. */
export function resolveGtmmConfig(config: Partial<GtmmConfig>): GtmmConfig {
  const full = { ...DEFAULT_GTMM_CONFIG, ...config };
  for (const option of ['frameSize', 'latentSize', 'hiddenSize', 'mlpSize'] as const) {
    checkPositiveInteger(full[option], `GtmmConfig.${option}`);
  }
  if (full.latentWrite && full.memory === undefined) {
    throw new RangeError('GtmmConfig.latentWrite needs a memory to write the latent to');
  }
  if (full.latentWrite && full.memory !== undefined && full.memory.controlSize < full.latentSize) {
    throw new RangeError(
      `GtmmConfig.latentWrite: the memory's control (${full.memory.controlSize} wide) cannot begin with a latent of ${full.latentSize}`,
    );
  }
  return full;
}
