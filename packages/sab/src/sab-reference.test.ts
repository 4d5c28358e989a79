import {
  checkLeaksAfterEachTest,
  decode,
  decodeAll,
  type EncodedTensor,
  expectClose,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/sab.json' with { type: 'json' };
import { type AnySabCell, innerState, unroll, weightedSum } from './__fixtures__/sab-harness.js';
import { testLstmCell } from './__fixtures__/test-cells.js';
import { sab } from './sab-cell.js';
import type { SabConfig, SabScoring } from './sab-config.js';

checkLeaksAfterEachTest();

interface SabFixtureCase {
  /** Without `scoring` for the official code's linear score (the first cases, kept as made). */
  readonly config: Omit<Partial<SabConfig>, 'scoring'> & { readonly scoring?: string };
  readonly weights: Record<string, EncodedTensor>;
  readonly inputs: EncodedTensor;
  readonly lossWeights: EncodedTensor;
  readonly outputs: EncodedTensor;
  readonly finalState: {
    readonly h: EncodedTensor;
    readonly c: EncodedTensor;
    readonly memories: EncodedTensor;
  };
  readonly finalTime: number;
  readonly loss: number;
  readonly gradients: Record<string, EncodedTensor>;
}

const { inputSize, hiddenSize } = fixture.sizes;
const cases: readonly SabFixtureCase[] = fixture.cases;

/** A case's config; the linear cases leave `scoring` out (it defaults to `'mlp'` now). */
function configOf(reference: SabFixtureCase): Partial<SabConfig> {
  // sab checks the scoring's value (a RangeError names a bad one).
  return { ...reference.config, scoring: (reference.config.scoring ?? 'linear') as SabScoring };
}

// scripts/make-fixtures.py: an LSTM wrapped in SAB, float64 PyTorch with the same detach points.
describe.each(cases.map((c) => [JSON.stringify(configOf(c)), c] as const))(
  'sab(LSTM, %s) against the PyTorch reference',
  (_, reference) => {
    const cell = sab(
      testLstmCell(inputSize, hiddenSize),
      configOf(reference),
    ) as unknown as AnySabCell;

    it('declares the weights the reference uses', () => {
      const shapes = Object.fromEntries(
        Object.entries(cell.weightSpecs).map(([name, spec]) => [name, spec.shape]),
      );
      const expected = Object.fromEntries(
        Object.entries(reference.weights).map(([name, tensor]) => [name, tensor.shape]),
      );
      expect(shapes).toEqual(expected);
    });

    it('gives every step’s output [h; s] and the final state', () => {
      tf.tidy(() => {
        const weights = decodeAll(reference.weights);
        const inputs = decode(reference.inputs) as tf.Tensor3D;
        const { outputs, state } = unroll(cell, weights, inputs);
        expectClose(outputs, decode(reference.outputs), TOLERANCES.reference, 'outputs');
        const inner = innerState(state);
        expectClose(
          inner.h as tf.Tensor,
          decode(reference.finalState.h),
          TOLERANCES.reference,
          'h',
        );
        expectClose(
          inner.c as tf.Tensor,
          decode(reference.finalState.c),
          TOLERANCES.reference,
          'c',
        );
        const memories = decode(reference.finalState.memories);
        expectClose(state.memories, memories, TOLERANCES.reference, 'memories');
        expect(state.time.dataSync()[0]).toBe(reference.finalTime);
        const loss = weightedSum(outputs, decode(reference.lossWeights));
        expectClose(loss, reference.loss, TOLERANCES.reference, 'loss');
      });
    });

    it('gives the gradients of Σ_t output_t ⊙ R_t with respect to every weight and the inputs', () => {
      tf.tidy(() => {
        const weights = decodeAll(reference.weights);
        const names = Object.keys(weights);
        const lossWeights = decode(reference.lossWeights);
        const gradients = tf.grads((...tensors: tf.Tensor[]) => {
          const named = Object.fromEntries(names.map((name, i) => [name, tensors[i] as tf.Tensor]));
          const inputs = tensors[names.length] as tf.Tensor3D;
          return weightedSum(unroll(cell, named, inputs).outputs, lossWeights);
        })([...names.map((name) => weights[name] as tf.Tensor), decode(reference.inputs)]);
        for (const [i, name] of [...names, 'inputs'].entries()) {
          const expected = reference.gradients[name];
          if (expected === undefined) throw new Error(`fixture has no gradient for ${name}`);
          expectClose(
            gradients[i] as tf.Tensor,
            decode(expected),
            TOLERANCES.reference,
            `d/d ${name}`,
          );
        }
      });
    });
  },
);
