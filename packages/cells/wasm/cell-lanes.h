// Vector loads and stores over a row of `hidden` units for the cell kernels (lstm-cell.c,
// gru-cell.c): the last 1-3 units of a row go a lane at a time, every stored value is flushed
// below 2^-63 (subnormal.h), and a step's slice of a window's array is read in place. Include
// after simd-math.h and subnormal.h.
#ifndef BAYESRNN_CELL_LANES_H
#define BAYESRNN_CELL_LANES_H

// Loads four floats at p, or the n < 4 left (the rest zero) at the end of a row.
static inline v128_t load(const float *p, int n) {
  if (n >= 4) return wasm_v128_load(p);
  v128_t v = F4(0.0f);
  v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

// Stores four floats at p, or the first n < 4 at the end of a row. Every value a cell kernel
// writes goes through here, and values below 2^-63 become zero (subnormal.h): saturated gates
// make them, and the matrix products that read h and the gates' gradients would otherwise slow
// down on every subnormal they read or make.
static inline void store(float *p, v128_t v, int n) {
  v = flush_product_underflow(v);
  if (n >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

// A step's slice of a larger array read in place (a window's projection or output gradient),
// with strides of its own; p is 0 where there is none.
typedef struct {
  const float *p;
  int row_stride, gate_stride;
} view;

// dh of unit (b, j): the first view's, plus the second's where there is one.
static inline v128_t dh_at(view dh, view extra, int b, int j, int n) {
  const v128_t x = load(dh.p + b * dh.row_stride + j, n);
  if (extra.p == 0) return x;
  return wasm_f32x4_add(x, load(extra.p + b * extra.row_stride + j, n));
}

#endif
