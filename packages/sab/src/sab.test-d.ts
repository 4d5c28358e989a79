import type { Cell, NamedTensorTree, WeightNamesOf, Weights } from '@bayesrnn/spec';
import type { Scalar, Tensor3D } from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { type TestLstmState, type TestWindow, testLstmCell } from './__fixtures__/test-cells.js';
import { type SabConfig, type SabState, sab } from './index.js';

const cell = sab(testLstmCell(2, 3), { topK: 2 });

describe('sab types', () => {
  it('prefixes the wrapped weight names and adds the MLP attention weights by default', () => {
    expectTypeOf<WeightNamesOf<typeof cell>>().toEqualTypeOf<
      | 'cell/kernel'
      | 'cell/bias'
      | 'attention/query'
      | 'attention/memory'
      | 'attention/bias'
      | 'attention/kernel'
    >();
    expectTypeOf<Weights<WeightNamesOf<typeof cell>>>().toHaveProperty('attention/query');
    const mlp = sab(testLstmCell(2, 3), { scoring: 'mlp', attentionSize: 5 });
    expectTypeOf<WeightNamesOf<typeof mlp>>().toEqualTypeOf<WeightNamesOf<typeof cell>>();
  });

  it('has the attention kernel alone with the linear score', () => {
    const linear = sab(testLstmCell(2, 3), { topK: 2, scoring: 'linear' });
    expectTypeOf<WeightNamesOf<typeof linear>>().toEqualTypeOf<
      'cell/kernel' | 'cell/bias' | 'attention/kernel'
    >();
  });

  it('has every attention weight name when the scoring is not known statically', () => {
    const config: Partial<SabConfig> = { topK: 2 };
    const either = sab(testLstmCell(2, 3), config);
    expectTypeOf<WeightNamesOf<typeof either>>().toEqualTypeOf<WeightNamesOf<typeof cell>>();
    // @ts-expect-error — not a scoring
    sab(testLstmCell(2, 3), { scoring: 'dot' });
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
