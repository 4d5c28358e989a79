import { createGruCell, createLstmCell, createVanillaRnnCell } from '@bayesrnn/cells';
import { uniform } from '@bayesrnn/core';
import type { Cell, NamedTensorTree, WeightSpecs, Weights } from '@bayesrnn/spec';
import type { LanguageModelConfig } from './lm-config.js';

/** A cell whose weight names, state and window the model treats generically. */
export type AnyCell = Cell<string, NamedTensorTree, unknown>;

/** The cells of every layer: layer 0 reads the embedding, layer l > 0 the layer below. */
export function createLayerCells(config: LanguageModelConfig): AnyCell[] {
  const init = uniform(config.initScale);
  const dropout = config.dropout;
  const variational =
    dropout.method === 'variational'
      ? { dropout: { input: dropout.input, recurrent: dropout.recurrent, tied: dropout.tied } }
      : {};
  return Array.from({ length: config.layers }, (_, layer) => {
    const inputSize = layer === 0 ? config.embeddingSize : config.hiddenSize;
    const common = { inputSize, hiddenSize: config.hiddenSize, init, ...variational };
    if (config.cell === 'lstm') {
      return createLstmCell({ ...common, forgetBias: config.forgetBias }) as unknown as AnyCell;
    }
    if (config.cell === 'gru') return createGruCell(common) as unknown as AnyCell;
    return createVanillaRnnCell(common) as unknown as AnyCell;
  });
}

/** The model-level name of a layer's weight: `layers/1/kernel`. */
export function layerWeightName(layer: number, name: string): string {
  return `layers/${layer}/${name}`;
}

/** Every layer's weight specs under `layers/<l>/<name>`. */
export function layerWeightSpecs(cells: readonly AnyCell[]): Record<string, WeightSpecs[string]> {
  const specs: Record<string, WeightSpecs[string]> = {};
  cells.forEach((cell, layer) => {
    for (const [name, spec] of Object.entries(cell.weightSpecs))
      specs[layerWeightName(layer, name)] = spec;
  });
  return specs;
}

/** The weights one layer's cell reads, under the cell's own names. */
export function layerWeights(cell: AnyCell, layer: number, weights: Weights): Weights {
  const selected: Record<string, Weights[string]> = {};
  for (const name of Object.keys(cell.weightSpecs)) {
    const tensor = weights[layerWeightName(layer, name)];
    if (tensor === undefined)
      throw new Error(`language model: missing weight '${layerWeightName(layer, name)}'`);
    selected[name] = tensor;
  }
  return selected;
}
