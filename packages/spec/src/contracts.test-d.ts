import type { Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  Cell,
  Memory,
  NamedTensorTree,
  Posterior,
  RngKey,
  Sampler,
  TensorTree,
  WeightNamesOf,
  Weights,
} from './index.js';

type LstmState = { readonly h: Tensor2D; readonly c: Tensor2D };
declare const lstm: Cell<'kernel' | 'bias', LstmState>;
declare const t: Tensor;
declare const x: Tensor2D;
declare const state: LstmState;
type SgldState = { readonly position: NamedTensorTree };
type Control = { readonly key: Tensor2D };
type MemState = { readonly memory: Tensor; readonly usage: Tensor2D };
declare const gruWeights: Weights<'gateKernel' | 'candidateKernel'>;
declare const posterior: Posterior<'kernel' | 'bias'>;
declare const key: RngKey;
declare const sgld: Sampler<'kernel' | 'bias', SgldState>;
declare const memory: Memory<Control, MemState>;

describe('Cell weights', () => {
  it('accepts exactly the declared weight names', () => {
    expectTypeOf(lstm.step).toBeCallableWith({ kernel: t, bias: t }, x, state, undefined);
    expectTypeOf<WeightNamesOf<typeof lstm>>().toEqualTypeOf<'kernel' | 'bias'>();
  });

  it('rejects missing and misspelled weight names', () => {
    // @ts-expect-error — 'bias' is missing
    lstm.step({ kernel: t }, x, state, undefined);
    // @ts-expect-error — 'kernal' is not a weight of this cell
    lstm.step({ kernal: t, bias: t }, x, state, undefined);
  });

  it('rejects weights meant for another cell', () => {
    // @ts-expect-error — a GRU's weights are not an LSTM's
    lstm.step(gruWeights, x, state, undefined);
  });

  it('returns a state of the same named structure', () => {
    expectTypeOf(
      lstm.step({ kernel: t, bias: t }, x, state, undefined).state,
    ).toEqualTypeOf<LstmState>();
    // @ts-expect-error — the state is named, a positional array is not accepted
    lstm.step({ kernel: t, bias: t }, x, [x, x], undefined);
  });
});

describe('Posterior, Sampler, Memory', () => {
  it('draws weights of the declared names with a scalar KL', () => {
    const draw = posterior.draw(key, { training: true });
    expectTypeOf(draw.weights).toEqualTypeOf<Weights<'kernel' | 'bias'>>();
    expectTypeOf(draw.kl).toEqualTypeOf<Scalar>();
    expectTypeOf(posterior.variables).toEqualTypeOf<{ readonly [name: string]: Variable }>();
    expectTypeOf(lstm.step).toBeCallableWith(draw.weights, x, state, undefined);
  });

  it('steps a sampler on gradients of the same names', () => {
    const s = sgld.init({ kernel: t, bias: t });
    // @ts-expect-error — the gradient must carry every weight name
    sgld.step(s, { kernel: t }, key, 0.1);
    expectTypeOf(sgld.position(sgld.step(s, { kernel: t, bias: t }, key, 0.1))).toEqualTypeOf<
      Weights<'kernel' | 'bias'>
    >();
  });

  it('keeps a memory state named', () => {
    const s0 = memory.initialState(2);
    const control = memory.parseControl(x);
    expectTypeOf(memory.read(memory.write(s0, control), control).state).toEqualTypeOf<MemState>();
    expectTypeOf<MemState>().toExtend<TensorTree>();
  });

  it('makes keys only through the brand', () => {
    // @ts-expect-error — a bare number is not a key
    const bad: RngKey = 42;
    expectTypeOf(bad).toEqualTypeOf<RngKey>();
  });
});
