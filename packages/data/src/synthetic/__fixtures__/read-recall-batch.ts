/** Test-only: a recall batch read back to host arrays, for the synthetic tasks' tests. */
import { createKey } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BinaryAlphabet } from '../binary-alphabet.js';
import { makeRecallBatch, type RecallBatchOptions } from '../recall-tasks.js';

/** A batch read back to host arrays (and disposed), with per-sequence accessors. */
export function readRecallBatch(
  alphabet: BinaryAlphabet,
  seed: number,
  options: Partial<RecallBatchOptions> = {},
) {
  const FRAME = alphabet.frameSize;
  const batch = makeRecallBatch(createKey(seed), { task: 'perfect-recall', alphabet, ...options });
  const shapes = {
    frames: batch.frames.shape,
    labels: batch.labels.shape,
    recallMask: batch.recallMask.shape,
    dtypes: [batch.frames.dtype, batch.labels.dtype, batch.recallMask.dtype],
  };
  const frames = Float32Array.from(batch.frames.dataSync());
  const labels = Int32Array.from(batch.labels.dataSync());
  const recallMask = Float32Array.from(batch.recallMask.dataSync());
  tf.dispose([batch.frames, batch.labels, batch.recallMask]);
  const steps = shapes.labels[1];
  const label = (row: number, step: number) => labels[row * steps + step] as number;
  const frame = (row: number, step: number) =>
    frames.subarray((row * steps + step) * FRAME, (row * steps + step + 1) * FRAME);
  return { shapes, frames, labels, recallMask, steps, label, frame };
}
