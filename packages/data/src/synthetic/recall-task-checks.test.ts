import { createKey } from '@bayesrnn/core';
import { countNewTensors, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readRecallBatch } from './__fixtures__/read-recall-batch.js';
import { createBinaryAlphabet } from './binary-alphabet.js';
import { RECALL_TASKS } from './recall-sequences.js';
import { makeRecallBatch, type RecallBatchOptions } from './recall-tasks.js';

const alphabet = createBinaryAlphabet(createKey(0));
const read = (seed: number, options: Partial<RecallBatchOptions> = {}) =>
  readRecallBatch(alphabet, seed, options);

describe('makeRecallBatch checks', () => {
  const base = { task: 'perfect-recall', alphabet } as const;
  const make = (options: Partial<RecallBatchOptions>) => () =>
    makeRecallBatch(createKey(0), { ...base, ...options } as RecallBatchOptions);

  it('names the option and the task constraint', () => {
    expect(make({ task: 'copy' as never })).toThrow(
      "makeRecallBatch: task must be one of 'perfect-recall', 'parity-recall', 'dynamic-dependency', 'similarity-cued-recall', got copy",
    );
    expect(make({ batchSize: 0 })).toThrow(
      'makeRecallBatch: batchSize must be a positive integer, got 0',
    );
    expect(make({ preRecall: 1.5 })).toThrow(
      'makeRecallBatch: preRecall must be a positive integer',
    );
    expect(make({ recall: -1 })).toThrow(
      'makeRecallBatch: recall must be a positive integer, got -1',
    );
    expect(make({ flipProbability: 1.5 })).toThrow(
      'makeRecallBatch: flipProbability must be in [0, 1], got 1.5',
    );
    expect(make({ freshRecallExemplars: 1 as never })).toThrow(
      'freshRecallExemplars must be a boolean',
    );
    expect(make({ recall: 11 })).toThrow(
      'makeRecallBatch: recall must be at most preRecall (10) for perfect-recall, got 11',
    );
    expect(make({ task: 'parity-recall', recall: 11 })).toThrow('for parity-recall, got 11');
    expect(make({ task: 'dynamic-dependency', preRecall: 5, recall: 3 })).toThrow(
      'makeRecallBatch: preRecall must be at least symbols (10) for dynamic-dependency, got 5',
    );
    expect(make({ task: 'similarity-cued-recall', preRecall: 5, recall: 5 })).toThrow(
      'makeRecallBatch: recall must be less than preRecall (5) for similarity-cued-recall',
    );
    const single = createBinaryAlphabet(createKey(0), { symbols: 1 });
    expect(make({ task: 'parity-recall', alphabet: single })).toThrow(
      'makeRecallBatch: alphabet.symbols must be at least 2 for parity-recall',
    );
    expect(make({ alphabet: { symbols: 10 } as never })).toThrow(
      'makeRecallBatch: alphabet must be',
    );
    expect(() => makeRecallBatch({} as never, base)).toThrow('makeRecallBatch: expected an RngKey');
  });

  it('allows the edge settings each task admits', () => {
    expect(read(0, { recall: 10, batchSize: 1 }).steps).toBe(20);
    expect(
      read(0, { task: 'dynamic-dependency', preRecall: 10, recall: 30, batchSize: 1 }).steps,
    ).toBe(40);
    expect(
      read(0, { task: 'similarity-cued-recall', preRecall: 4, recall: 3, batchSize: 1 }).steps,
    ).toBe(7);
  });

  it('returns exactly three tensors, owned by the caller, and leaks nothing else', async () => {
    for (const task of RECALL_TASKS) {
      const kept: tf.Tensor[] = [];
      const made = await countNewTensors(() => {
        const batch = makeRecallBatch(createKey(1), { task, alphabet, batchSize: 2 });
        kept.push(batch.frames, batch.labels, batch.recallMask);
      });
      expect(made).toBe(3);
      expect(kept.every((tensor) => !tensor.isDisposed)).toBe(true);
      tf.dispose(kept);
      await expectNoLeaks(() => {
        const batch = makeRecallBatch(createKey(1), { task, alphabet, batchSize: 2 });
        tf.dispose([batch.frames, batch.labels, batch.recallMask]);
      }, task);
    }
  });
});
