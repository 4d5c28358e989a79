import { disposeTree, mapTree } from '@bayesrnn/core';
import { averageProbabilities } from '@bayesrnn/metrics';
import type { NamedTensorTree, TensorTree, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import {
  type BeamSearchOptions,
  type BeamStepper,
  beamSearch,
  type DecodedCaption,
} from './beam-search.js';
import type { CaptionDecoder } from './caption-decoder.js';

/** Options of {@link generateCaptions}. */
export interface GenerateCaptionsOptions extends BeamSearchOptions {
  /** Images decoded together (default 100): `batchSize · beamSize` rows per step. */
  readonly batchSize?: number;
  /** Called after each group of images with the images done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * A state with the rows `rows` picked. A scalar leaf has no row axis: the rows share it (SAB's
 * step count), so it is kept as it is. `mapTree`'s mapped type is too deep for a generic tree.
 */
function gatherRows(state: NamedTensorTree, rows: tf.Tensor1D): NamedTensorTree {
  const map = mapTree as (tree: TensorTree, fn: (tensor: tf.Tensor) => tf.Tensor) => TensorTree;
  return map(state, (tensor) =>
    tensor.rank === 0 ? tf.clone(tensor) : tf.gather(tensor, rows),
  ) as NamedTensorTree;
}

/** Every member's cell state, in member order. */
type MemberStates = readonly NamedTensorTree[];

/**
 * A stepper over an ensemble: the next word's probabilities averaged over the members,
 * `p̄(w | w_{<t}, f) = (1/S) Σ_s p(w | w_{<t}, f, θ_s)` (Gan et al. 2017, eq. 5, applied word by
 * word as their captioning code does); one member is the plain model.
 */
function ensembleStepper(
  model: CaptionDecoder,
  members: readonly Weights[],
): BeamStepper<MemberStates> {
  return {
    step(tokens, states) {
      const ids = tf.tensor1d(tokens, 'int32');
      const steps = members.map((weights, index) =>
        model.step(weights, ids, states[index] as NamedTensorTree),
      );
      ids.dispose();
      const logProbabilities = tf.tidy(() => {
        const each = steps.map((result) => tf.logSoftmax(result.logits));
        return (each.length === 1 ? each[0] : averageProbabilities(each)) as tf.Tensor2D;
      });
      tf.dispose(steps.map((result) => result.logits));
      return { logProbabilities, state: steps.map((result) => result.state) };
    },
    select(states, rows) {
      const picked = tf.tensor1d(rows, 'int32');
      const selected = states.map((state) => gatherRows(state, picked));
      picked.dispose();
      return selected;
    },
    dispose: (states) => disposeTree(states as NamedTensorTree[]),
  };
}

/**
 * Captions for `images` images by beam search (greedy with `beamSize` 1), from one model
 * (`members` of length 1) or an average of models (SG-MCMC samples, posterior draws).
 * `features` is `[images · D]` (empty for a decoder without image features). Images are
 * decoded `batchSize` at a time. Leaves no tensor behind.
 */
export async function generateCaptions(
  model: CaptionDecoder,
  members: readonly Weights[],
  features: Float32Array,
  images: number,
  options: GenerateCaptionsOptions,
): Promise<DecodedCaption[]> {
  const size = model.config.featureSize;
  if (members.length === 0) throw new Error('generateCaptions: no model weights given');
  if (features.length !== images * size) {
    throw new RangeError(
      `generateCaptions: ${images} images of ${size} features need ${images * size} values, got ${features.length}`,
    );
  }
  const batchSize = options.batchSize ?? 100;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`generateCaptions: batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  const stepper = ensembleStepper(model, members);
  const captions: DecodedCaption[] = [];
  for (let start = 0; start < images; start += batchSize) {
    const rows = Math.min(batchSize, images - start);
    const chunk = tf.tensor2d(features.subarray(start * size, (start + rows) * size), [rows, size]);
    const initial = members.map((weights) => model.begin(weights, chunk, rows));
    chunk.dispose();
    captions.push(...(await beamSearch(stepper, initial, rows, options)));
    options.onProgress?.(start + rows, images);
  }
  return captions;
}
