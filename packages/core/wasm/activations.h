// The logistic sigmoid and tanh on four float32 lanes, for kernels that include simd-math.h
// first: the LSTM step (packages/cells/wasm/lstm-cell.c) and the SIMD `Tanh` that replaces
// tfjs-wasm's (activations.c). tanh4 is within a few float32 ulps of the float64 tanh (tested
// over a sweep of inputs in wasm-unary-simd.test.ts), and a NaN in gives NaN out.
#ifndef BAYESRNN_ACTIVATIONS_H
#define BAYESRNN_ACTIVATIONS_H

// y, or x where x is NaN. exp_neg_abs maps NaN to 0, which made σ(NaN) 0 and tanh(NaN) ±1: a NaN
// pre-activation (a weight gone NaN) vanished inside the gates, and h stayed finite where the
// NaN guard needs a NaN loss.
static inline v128_t nan_through(v128_t x, v128_t y) {
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

static inline v128_t sigmoid4(v128_t x) {
  return nan_through(x, sigmoid_from(x, exp_neg_abs(x)));
}

// tanh as Cephes' tanhf: x + x³ P(x²) below |x| = 0.625, else sign(x) (1 − e)/(1 + e) with
// e = exp(−2|x|) (no cancellation there: e ≤ 0.29).
static inline v128_t tanh4(v128_t x) {
  const v128_t ax = wasm_f32x4_abs(x);
  const v128_t e = exp_neg_abs(wasm_f32x4_add(ax, ax));
  v128_t big = wasm_f32x4_div(wasm_f32x4_sub(F4(1.0f), e), wasm_f32x4_add(F4(1.0f), e));
  big = wasm_v128_or(big, wasm_v128_and(x, SIGN_BIT));
  const v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = F4(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F4(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F4(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F4(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), F4(-3.33332819422e-1f));
  const v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
  return nan_through(x, wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, F4(0.625f))));
}

#endif
