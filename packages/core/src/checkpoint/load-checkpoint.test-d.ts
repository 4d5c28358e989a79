import type { WeightSpecs, Weights } from '@bayesrnn/spec';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { loadCheckpoint } from './load-checkpoint.js';

declare const specs: WeightSpecs<'kernel' | 'bias'>;

describe('loadCheckpoint types', () => {
  it('types the expected names as present and the others as possibly undefined', async () => {
    const { tensors } = await loadCheckpoint('dir', {
      expect: { 'layer0/kernel': { shape: [2] } },
    });
    expectTypeOf(tensors['layer0/kernel']).toEqualTypeOf<tf.Tensor>();
    expectTypeOf(tensors.other).toEqualTypeOf<tf.Tensor | undefined>();
  });

  it('leaves every name possibly undefined without expectations', async () => {
    const { tensors } = await loadCheckpoint('dir');
    expectTypeOf(tensors.kernel).toEqualTypeOf<tf.Tensor | undefined>();
  });

  it('accepts weightSpecs as expectations and yields the matching Weights', async () => {
    const { tensors } = await loadCheckpoint('dir', { expect: specs });
    expectTypeOf(tensors).toExtend<Weights<'kernel' | 'bias'>>();
  });
});
