import { dropoutMask } from '@bayesrnn/cells';
import { splitKey } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type AnyCell, topOutputSize } from './layer-cells.js';
import type { LanguageModelConfig } from './lm-config.js';

/** What the model is told at the start of a truncated window. */
export interface LmWindowOptions {
  readonly key: RngKey;
  readonly batchSize: number;
  /** Time steps in the window (`sequenceLength`). */
  readonly steps: number;
  /** Draw dropout masks: training, or MC-dropout evaluation. */
  readonly training: boolean;
}

/**
 * Everything random in one window, drawn once: the cells' own windows (variational input and
 * recurrent masks), and the model-level masks on non-recurrent connections.
 */
export interface LmWindow {
  readonly cells: readonly unknown[];
  /** Per layer, a mask for the layer's input `[batchSize, steps, inputSize]` (naive dropout). */
  readonly layerInputMasks: readonly (tf.Tensor | undefined)[];
  /** On the top layer's output: `[batchSize, steps, outputSize]` (naive) or `[batchSize, 1, outputSize]` (variational). */
  readonly outputMask: tf.Tensor | undefined;
  /** Key for word-type embedding dropout (the mask depends on the window's tokens). */
  readonly embeddingKey: RngKey | undefined;
  readonly embeddingRate: number;
}

function draw(key: RngKey | undefined, shape: number[], rate: number): tf.Tensor | undefined {
  return key === undefined || rate === 0 ? undefined : dropoutMask(key, shape, rate);
}

/** Draws a window's masks (none when not training). The caller disposes with `disposeLmWindow`. */
export function startLmWindow(
  config: LanguageModelConfig,
  cells: readonly AnyCell[],
  options: LmWindowOptions,
): LmWindow {
  const { batchSize, steps, training } = options;
  const [cellKey, inputKey, outputKey, embeddingKey] = splitKey(options.key, 4);
  const cellKeys = cellKey === undefined ? [] : splitKey(cellKey, cells.length);
  const cellWindows = cells.map((cell, layer) =>
    cell.startWindow({ key: cellKeys[layer] ?? options.key, batchSize, training }),
  );
  const dropout = config.dropout;
  const none = {
    cells: cellWindows,
    layerInputMasks: [],
    outputMask: undefined,
    embeddingKey: undefined,
    embeddingRate: 0,
  };
  if (!training || dropout.method === 'none') return none;
  if (dropout.method === 'naive') {
    const inputKeys = inputKey === undefined ? [] : splitKey(inputKey, cells.length);
    return {
      ...none,
      layerInputMasks: cells.map((cell, layer) =>
        draw(inputKeys[layer], [batchSize, steps, cell.inputSize], dropout.rate),
      ),
      outputMask: draw(outputKey, [batchSize, steps, topOutputSize(cells)], dropout.rate),
    };
  }
  return {
    ...none,
    outputMask: draw(outputKey, [batchSize, 1, topOutputSize(cells)], dropout.output),
    embeddingKey,
    embeddingRate: dropout.embedding,
  };
}

/** Disposes every mask a window holds, the cells' windows included. */
export function disposeLmWindow(window: LmWindow): void {
  const masks = [...window.layerInputMasks, window.outputMask].filter((m) => m !== undefined);
  // Cell windows are records of mask tensors; tf.dispose walks nested containers.
  tf.dispose([...masks, ...(window.cells as tf.TensorContainer[])]);
}
