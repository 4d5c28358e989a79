// The sparse softmax cross-entropy of [rows, columns] logits and its gradient, a row at a time
// over tfjs's wasm heap (WebAssembly SIMD). Per row r with target t:
//
//   m = max_j x_j,   e_j = exp(x_j − m),   s = Σ_j e_j
//   nll = log s − (x_t − m)                                        (forward)
//   dx_j = e_j · (dy / s) − [j = t] · dy                           (backward)
//
// The forward pass reads the row twice (max, then exp and sum) and keeps e and s for the
// backward one, which is one more pass. In tfjs ops this was Max, Sub, Exp, Sum, Log and a
// gather forward, and Div, Mul, OneHot, Cast, Mul, Sub backward: eleven passes over the 4M
// logits of a PTB-small step. e and s are the same float32 operations as those ops on wasm
// (simd-math.h's exp, sum.c's sixteen partial sums), so they are bit-identical to them, as is dx
// except where |dx| < 2^-63 (a word the model all but rules out): there dx is zero
// (subnormal.h), since the softmax's weight and input gradients are matrix products that would
// slow down on every subnormal they read or make from it.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/fdlibm.h"
#include "../../core/wasm/simd-math.h"
#include "../../core/wasm/subnormal.h"

// max of row[0..n) (n >= 1).
static inline float row_max(const float *row, int n) {
  v128_t m0 = F4(-__builtin_inff()), m1 = m0, m2 = m0, m3 = m0;
  int j = 0;
  for (; j + 16 <= n; j += 16) {
    m0 = wasm_f32x4_pmax(m0, wasm_v128_load(row + j));
    m1 = wasm_f32x4_pmax(m1, wasm_v128_load(row + j + 4));
    m2 = wasm_f32x4_pmax(m2, wasm_v128_load(row + j + 8));
    m3 = wasm_f32x4_pmax(m3, wasm_v128_load(row + j + 12));
  }
  for (; j + 4 <= n; j += 4) m0 = wasm_f32x4_pmax(m0, wasm_v128_load(row + j));
  const v128_t m = wasm_f32x4_pmax(wasm_f32x4_pmax(m0, m1), wasm_f32x4_pmax(m2, m3));
  const float m01 = wasm_f32x4_extract_lane(m, 0) > wasm_f32x4_extract_lane(m, 1)
                        ? wasm_f32x4_extract_lane(m, 0)
                        : wasm_f32x4_extract_lane(m, 1);
  const float m23 = wasm_f32x4_extract_lane(m, 2) > wasm_f32x4_extract_lane(m, 3)
                        ? wasm_f32x4_extract_lane(m, 2)
                        : wasm_f32x4_extract_lane(m, 3);
  float best = m01 > m23 ? m01 : m23;
  for (; j < n; j++) best = row[j] > best ? row[j] : best;
  return best;
}

// e[j] = exp(row[j] − m) for j < n, and returns Σ e in sum.c's order (16 partial sums).
static inline float exp_row(const float *row, float *e, int n, float m) {
  const v128_t shift = F4(m);
  v128_t a0 = F4(0.0f), a1 = a0, a2 = a0, a3 = a0;
  int j = 0;
  for (; j + 16 <= n; j += 16) {
    const v128_t e0 = exp4(wasm_f32x4_sub(wasm_v128_load(row + j), shift));
    const v128_t e1 = exp4(wasm_f32x4_sub(wasm_v128_load(row + j + 4), shift));
    const v128_t e2 = exp4(wasm_f32x4_sub(wasm_v128_load(row + j + 8), shift));
    const v128_t e3 = exp4(wasm_f32x4_sub(wasm_v128_load(row + j + 12), shift));
    wasm_v128_store(e + j, e0);
    wasm_v128_store(e + j + 4, e1);
    wasm_v128_store(e + j + 8, e2);
    wasm_v128_store(e + j + 12, e3);
    a0 = wasm_f32x4_add(a0, e0);
    a1 = wasm_f32x4_add(a1, e1);
    a2 = wasm_f32x4_add(a2, e2);
    a3 = wasm_f32x4_add(a3, e3);
  }
  for (; j + 4 <= n; j += 4) {
    const v128_t e0 = exp4(wasm_f32x4_sub(wasm_v128_load(row + j), shift));
    wasm_v128_store(e + j, e0);
    a0 = wasm_f32x4_add(a0, e0);
  }
  const v128_t a = wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3));
  float sum = (wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1)) +
              (wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3));
  for (; j < n; j++) {
    e[j] = wasm_f32x4_extract_lane(exp4(F4(row[j] - m)), 0);
    sum += e[j];
  }
  return sum;
}

// Rows [begin, end): nll[r], e[r, ·] and s[r] as above. A target outside [0, columns) gives
// a NaN nll (the caller checks targets first).
__attribute__((export_name("softmax_xent"))) void softmax_xent(const float *x, const int *targets,
                                                               float *nll, float *e, float *s,
                                                               int columns, int begin, int end) {
  for (int r = begin; r < end; r++) {
    const float *row = x + (long)r * columns;
    const float m = row_max(row, columns);
    const float sum = exp_row(row, e + (long)r * columns, columns, m);
    const int t = targets[r];
    const float shifted = t >= 0 && t < columns ? row[t] - m : __builtin_nanf("");
    s[r] = sum;
    nll[r] = (float)fdlibm_log(sum) - shifted;
  }
}

// Rows [begin, end) of dx = e · (dy / s) − onehot(t) · dy.
__attribute__((export_name("softmax_xent_grad"))) void softmax_xent_grad(
    const float *e, const float *s, const int *targets, const float *dy, float *dx, int columns,
    int begin, int end) {
  for (int r = begin; r < end; r++) {
    const long at = (long)r * columns;
    const v128_t k = F4(dy[r] / s[r]);
    int j = 0;
    for (; j + 4 <= columns; j += 4) {
      const v128_t d = wasm_f32x4_mul(wasm_v128_load(e + at + j), k);
      wasm_v128_store(dx + at + j, flush_product_underflow(d));
    }
    for (; j < columns; j++) {
      const v128_t one = flush_product_underflow(wasm_f32x4_mul(F4(e[at + j]), k));
      dx[at + j] = wasm_f32x4_extract_lane(one, 0);
    }
    const int t = targets[r];
    if (t >= 0 && t < columns) dx[at + t] -= dy[r];
  }
}
