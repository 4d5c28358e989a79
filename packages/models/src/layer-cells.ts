import type { WeightSpecs, Weights } from '@bayesrnn/spec';
import type { LanguageModelConfig } from './lm-config.js';
import { type AnyCell, createModelCell } from './model-cell.js';
import { prefixedWeightSpecs, prefixedWeights } from './model-weights.js';

export type { AnyCell } from './model-cell.js';

/** The cells of every layer: layer 0 reads the embedding, layer l > 0 the layer below's output. */
export function createLayerCells(config: LanguageModelConfig): AnyCell[] {
  const cells: AnyCell[] = [];
  for (let layer = 0; layer < config.layers; layer += 1) {
    cells.push(
      createModelCell(
        {
          cell: config.cell,
          inputSize: cells.at(-1)?.outputSize ?? config.embeddingSize,
          hiddenSize: config.hiddenSize,
          initScale: config.initScale,
          forgetBias: config.forgetBias,
          dropout: config.dropout,
        },
        `LanguageModelConfig.cell (layer ${layer})`,
      ),
    );
  }
  return cells;
}

/** The width of the top layer's output, which the softmax reads (`hiddenSize` for built-ins). */
export function topOutputSize(cells: readonly AnyCell[]): number {
  const top = cells.at(-1);
  if (top === undefined) throw new RangeError('language model: no layers');
  return top.outputSize;
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
