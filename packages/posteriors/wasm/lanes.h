// Vector helpers shared by this package's kernels: float64 sums of float32 lanes, and the
// 1–3 elements past the last whole vector of an array, loaded and stored without stack memory.
#ifndef BAYESRNN_LANES_H
#define BAYESRNN_LANES_H
#include <wasm_simd128.h>

// Two float64 lanes += four float32 lanes.
static inline v128_t add_lanes(v128_t sum, v128_t x) {
  sum = wasm_f64x2_add(sum, wasm_f64x2_promote_low_f32x4(x));
  return wasm_f64x2_add(sum, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1)));
}

// The first `count` (1–3) floats at x, zero-padded to a vector.
static inline v128_t load_tail(const float *x, int count) {
  return wasm_f32x4_make(x[0], count > 1 ? x[1] : 0.0f, count > 2 ? x[2] : 0.0f, 0.0f);
}

// Stores the first `count` (1–3) lanes of v at y.
static inline void store_tail(float *y, v128_t v, int count) {
  y[0] = wasm_f32x4_extract_lane(v, 0);
  if (count > 1) y[1] = wasm_f32x4_extract_lane(v, 1);
  if (count > 2) y[2] = wasm_f32x4_extract_lane(v, 2);
}

// The lanes of v below `count` (1–3); the others zero.
static inline v128_t first_lanes(v128_t v, int count) {
  return wasm_v128_and(v, wasm_i32x4_make(-1, count > 1 ? -1 : 0, count > 2 ? -1 : 0, 0));
}

#endif
