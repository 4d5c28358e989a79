import type { WeightSpecs, Weights } from '@bayesrnn/spec';
import type { LanguageModelConfig } from './lm-config.js';
import { type AnyCell, createModelCell } from './model-cell.js';
import { prefixedWeightSpecs, prefixedWeights } from './model-weights.js';

export type { AnyCell } from './model-cell.js';

/** The cells of every layer: layer 0 reads the embedding, layer l > 0 the layer below. */
export function createLayerCells(config: LanguageModelConfig): AnyCell[] {
  return Array.from({ length: config.layers }, (_, layer) =>
    createModelCell({
      cell: config.cell,
      inputSize: layer === 0 ? config.embeddingSize : config.hiddenSize,
      hiddenSize: config.hiddenSize,
      initScale: config.initScale,
      forgetBias: config.forgetBias,
      dropout: config.dropout,
    }),
  );
}

/** The model-level name of a layer's weight: `layers/1/kernel`. */
export function layerWeightName(layer: number, name: string): string {
  return `layers/${layer}/${name}`;
}

/** Every layer's weight specs under `layers/<l>/<name>`. */
export function layerWeightSpecs(cells: readonly AnyCell[]): Record<string, WeightSpecs[string]> {
  return Object.assign(
    {},
    ...cells.map((cell, layer) => prefixedWeightSpecs(cell, `layers/${layer}`)),
  );
}

/** The weights one layer's cell reads, under the cell's own names. */
export function layerWeights(cell: AnyCell, layer: number, weights: Weights): Weights {
  return prefixedWeights(cell, `layers/${layer}`, weights, 'language model');
}
