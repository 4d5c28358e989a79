import type { Cell, NamedTensorTree, WeightNamesOf, Weights } from '@bayesrnn/spec';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { GruState, GruWeightName } from './gru-cell.js';
import {
  createGruCell,
  createLstmCell,
  createVanillaRnnCell,
  type LstmState,
  type LstmWeightName,
  type RecurrentDropoutWindow,
} from './index.js';

const lstm = createLstmCell({ inputSize: 4, hiddenSize: 5 });
const gru = createGruCell({ inputSize: 4, hiddenSize: 5 });
const vanilla = createVanillaRnnCell({ inputSize: 4, hiddenSize: 5 });
declare const t: Tensor;
declare const x: Tensor2D;
declare const lstmState: LstmState;
declare const gruState: GruState;
declare const gruWeights: Weights<GruWeightName>;
declare const window: RecurrentDropoutWindow;

describe('cell types', () => {
  it('are spec Cells with their own weight names', () => {
    expectTypeOf(lstm).toExtend<Cell<LstmWeightName, LstmState, RecurrentDropoutWindow>>();
    expectTypeOf(gru).toExtend<Cell<GruWeightName, GruState, RecurrentDropoutWindow>>();
    expectTypeOf<WeightNamesOf<typeof lstm>>().toEqualTypeOf<'kernel' | 'bias'>();
    expectTypeOf<WeightNamesOf<typeof vanilla>>().toEqualTypeOf<'kernel' | 'bias'>();
    expectTypeOf<WeightNamesOf<typeof gru>>().toEqualTypeOf<
      | 'gateKernel'
      | 'gateBias'
      | 'candidateInputKernel'
      | 'candidateRecurrentKernel'
      | 'candidateInputBias'
      | 'candidateRecurrentBias'
    >();
    expectTypeOf<LstmState>().toExtend<NamedTensorTree>();
  });

  it('the LSTM rejects GRU weights, and the GRU LSTM weights', () => {
    expectTypeOf(lstm.step).toBeCallableWith({ kernel: t, bias: t }, x, lstmState, window);
    // @ts-expect-error — a GRU's weights are not an LSTM's
    lstm.step(gruWeights, x, lstmState, window);
    // @ts-expect-error — 'bias' is missing
    lstm.step({ kernel: t }, x, lstmState, window);
    // @ts-expect-error — an LSTM's weights are not a GRU's
    gru.step({ kernel: t, bias: t }, x, gruState, window);
  });

  it('keeps states apart: an LSTM needs c, and returns {h, c}', () => {
    // @ts-expect-error — a GRU state has no cell state c
    lstm.step({ kernel: t, bias: t }, x, gruState, window);
    expectTypeOf(
      lstm.step({ kernel: t, bias: t }, x, lstmState, window).state,
    ).toEqualTypeOf<LstmState>();
    // @ts-expect-error — the window is the cell's dropout window, not a bare tensor
    lstm.step({ kernel: t, bias: t }, x, lstmState, t);
  });
});
