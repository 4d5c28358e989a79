import type { Cell, NamedTensorTree, WeightNamesOf, Weights } from '@bayesrnn/spec';
import type { Scalar, Tensor3D } from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { type TestLstmState, type TestWindow, testLstmCell } from './__fixtures__/test-cells.js';
import { type SabState, sab } from './index.js';

const cell = sab(testLstmCell(2, 3), { topK: 2 });

describe('sab types', () => {
  it('prefixes the wrapped weight names and adds the attention kernel', () => {
    expectTypeOf<WeightNamesOf<typeof cell>>().toEqualTypeOf<
      'cell/kernel' | 'cell/bias' | 'attention/kernel'
    >();
    expectTypeOf<Weights<WeightNamesOf<typeof cell>>>().toHaveProperty('attention/kernel');
  });

  it('keeps the wrapped state and window types', () => {
    expectTypeOf(cell).toExtend<Cell<string, SabState<TestLstmState>, TestWindow | undefined>>();
    expectTypeOf<SabState<TestLstmState>['cell']>().toEqualTypeOf<TestLstmState>();
    expectTypeOf<SabState['memories']>().toEqualTypeOf<Tensor3D>();
    expectTypeOf<SabState['time']>().toEqualTypeOf<Scalar>();
  });

  it('is a Cell that generic code (stacks, language models) accepts', () => {
    expectTypeOf(cell).toExtend<Cell<string, NamedTensorTree, unknown>>();
  });
});
