// Flush-to-zero for float32 lanes, which WebAssembly cannot switch on in hardware (x86's FTZ
// and DAZ modes). Without it, a subnormal number (|x| < 2^-126) costs an Intel core a microcode
// assist of over a hundred cycles in every instruction that reads it, and in every product that
// underflows to one. A matrix product reads each operand element n times: on this project's
// own product on an Intel Xeon, 1% of A subnormal made a [400, 800] × [800, 800] product about
// 2× slower, 10% of A 10–13×, and 10% of A near 1e-25 with 10% of B near 1e-20 (products below
// 2^-126) 4–5× (docs/results.md, two runs). TensorFlow's CPU kernels run with FTZ and DAZ on.
#ifndef BAYESRNN_SUBNORMAL_H
#define BAYESRNN_SUBNORMAL_H
#include <wasm_simd128.h>

// v with its lanes of magnitude below `smallest` replaced by zero of the same sign; larger
// numbers, infinities and NaN unchanged (NaN fails the comparison, so a NaN loss still stops
// the run).
static inline v128_t flush_below(v128_t v, float smallest) {
  const v128_t magnitude = wasm_v128_and(v, wasm_i32x4_splat(0x7fffffff));
  const v128_t tiny = wasm_f32x4_lt(magnitude, wasm_f32x4_splat(smallest));
  return wasm_v128_andnot(v, wasm_v128_andnot(tiny, wasm_i32x4_splat((int)0x80000000)));
}

// FTZ: subnormals to zero. For state an optimiser keeps (a rarely used weight's moments decay
// through the subnormals over thousands of steps).
static inline v128_t flush_subnormals(v128_t v) { return flush_below(v, 0x1p-126f); }

// Values below 2^-63 to zero, so that no product of two of them underflows. For the values
// matrix products read as operands: a saturated LSTM gate makes h, the gate activations and
// their gradients as small as 1e-25 (σ(−57)), and the weight gradient Hᵀ·dA multiplies two such
// numbers. What is lost: added to a float32 above 2^-39, such a term is under half an ulp and
// changes nothing; a gradient made of N such terms alone moves a weight under Adam or RMSprop
// (ε = 1e-8) by less than N · 1.1e-11 of the learning rate.
static inline v128_t flush_product_underflow(v128_t v) { return flush_below(v, 0x1p-63f); }

#endif
