// A matrix product for tfjs's wasm heap that needs no packed copy of its operands
// (WebAssembly SIMD, four lanes):
//
//   C[e][i][j] = sum_p A[e](i, p) * B[e][p][j] (+ bias[j])     for columns j in [j_begin, j_end)
//
// A(i, p) = a[i * a_row + p * a_inner] reads A as stored or transposed (Xᵀ·dY without a
// transpose); B and C are row-major. Why not XNNPACK's: it packs B into a new layout before
// every product whose B it has not seen, and a gradient's B is new every time ([20, 800] ×
// [800, 200]: 0.1 ms with a packed B, 0.5 ms packing it first).
//
// Blocking: columns in panels of 8 (two vectors), rows in blocks of 4, the inner dimension in
// blocks of KC, so that a B panel (KC × 8 floats, 8 KB) stays in L1 while every row block
// passes over it. A 4 × 8 block keeps 8 vector accumulators in registers: on x86-64 (16 xmm
// registers) with the two B vectors and an A splat, nothing spills.
//
// Sums run in p order, so each C element is the same whichever thread or column range
// computes it. A bias row, when given, is added to the finished sum (in the last inner block's
// store), so C is bit for bit a product then an add: the add's pass over C (read C and the bias,
// write a new C: 2.4 ms for the PTB-small logits) is gone, not its rounding. Built plain, each term is one multiply then one add (WebAssembly SIMD has no
// fused multiply-add). Built with relaxed SIMD (scripts/build-wasm-kernel.sh --relaxed), each
// term is one relaxed_madd, which the engine fuses where the CPU has FMA (x86-64 with FMA3,
// ARM64): one rounding per term instead of two, and the multiply and add share one
// instruction: 1.25× the plain build's speed on the softmax's [400, 200] × [200, 10000] and
// 1.12× on the LSTM's per-step [20, 200] × [200, 800], on a 2-core Intel Xeon (docs/results.md).
#include <wasm_simd128.h>

#define KC 256

// c + s · b, one term of a sum.
static inline v128_t multiply_add(v128_t c, v128_t s, v128_t b) {
#ifdef __wasm_relaxed_simd__
  return wasm_f32x4_relaxed_madd(s, b, c);
#else
  return wasm_f32x4_add(c, wasm_f32x4_mul(s, b));
#endif
}

typedef struct {
  const float *a;
  int a_row, a_inner;
} operand_a;

// Eight floats of one C row: written (first inner block) or added to what earlier blocks wrote,
// then, when `bias` is not 0 (the last inner block of a product with a bias), bias[0..8) added.
static inline void store_row(float *r, v128_t low, v128_t high, int first, const float *bias) {
  if (!first) {
    low = wasm_f32x4_add(wasm_v128_load(r), low);
    high = wasm_f32x4_add(wasm_v128_load(r + 4), high);
  }
  if (bias) {
    low = wasm_f32x4_add(low, wasm_v128_load(bias));
    high = wasm_f32x4_add(high, wasm_v128_load(bias + 4));
  }
  wasm_v128_store(r, low);
  wasm_v128_store(r + 4, high);
}

// Four rows i..i+3 of C, eight columns at j, over p in [p0, p1): C += A B (or C = A B when
// first), then + bias[j..j+8) when `bias` is not 0. rows < 4 repeats the last row's loads (its
// results are not stored).
static inline void block_4x8(operand_a A, const float *b, int ldb, float *c, int ldc, int i,
                             int rows, int j, int p0, int p1, int first, const float *bias) {
  const float *a0 = A.a + i * A.a_row;
  const float *a1 = A.a + (i + (rows > 1 ? 1 : 0)) * A.a_row;
  const float *a2 = A.a + (i + (rows > 2 ? 2 : 0)) * A.a_row;
  const float *a3 = A.a + (i + (rows > 3 ? 3 : 0)) * A.a_row;
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = p0; p < p1; p++) {
    const float *bp = b + p * ldb + j;
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
    const int ap = p * A.a_inner;
    v128_t s = wasm_v128_load32_splat(a0 + ap);
    c00 = multiply_add(c00, s, b0);
    c01 = multiply_add(c01, s, b1);
    s = wasm_v128_load32_splat(a1 + ap);
    c10 = multiply_add(c10, s, b0);
    c11 = multiply_add(c11, s, b1);
    s = wasm_v128_load32_splat(a2 + ap);
    c20 = multiply_add(c20, s, b0);
    c21 = multiply_add(c21, s, b1);
    s = wasm_v128_load32_splat(a3 + ap);
    c30 = multiply_add(c30, s, b0);
    c31 = multiply_add(c31, s, b1);
  }
  float *r = c + i * ldc + j;
  const float *bias_j = bias ? bias + j : 0;
  store_row(r, c00, c01, first, bias_j);
  if (rows > 1) store_row(r + ldc, c10, c11, first, bias_j);
  if (rows > 2) store_row(r + 2 * ldc, c20, c21, first, bias_j);
  if (rows > 3) store_row(r + 3 * ldc, c30, c31, first, bias_j);
}

// One column j of C for all m rows, over p in [p0, p1): the columns past the last panel of 8.
static inline void column(operand_a A, const float *b, int ldb, float *c, int ldc, int m, int j,
                          int p0, int p1, int first, const float *bias) {
  for (int i = 0; i < m; i++) {
    const float *ai = A.a + i * A.a_row;
    float sum = 0.0f;
    for (int p = p0; p < p1; p++) sum += ai[p * A.a_inner] * b[p * ldb + j];
    sum = first ? sum : c[i * ldc + j] + sum;
    c[i * ldc + j] = bias ? sum + bias[j] : sum;
  }
}

// Columns [j_begin, j_end) of one product: C [m, n] = A(m × k) · B [k, n] (+ bias [n] when
// bias is not 0).
static void product(operand_a A, const float *b, float *c, int m, int k, int n, int j_begin,
                    int j_end, const float *bias) {
  const int panels_end = j_begin + ((j_end - j_begin) / 8) * 8;
  if (k == 0) {
    for (int i = 0; i < m; i++)
      for (int j = j_begin; j < j_end; j++) c[i * n + j] = bias ? 0.0f + bias[j] : 0.0f;
    return;
  }
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int p1 = p0 + KC < k ? p0 + KC : k;
    const int first = p0 == 0;
    const float *last_bias = p1 == k ? bias : 0;
    for (int j = j_begin; j < panels_end; j += 8)
      for (int i = 0; i < m; i += 4)
        block_4x8(A, b, n, c, n, i, m - i < 4 ? m - i : 4, j, p0, p1, first, last_bias);
    for (int j = panels_end; j < j_end; j++) column(A, b, n, c, n, m, j, p0, p1, first, last_bias);
  }
}

// `batch` products C[e] = A[e] · B[e] (+ the row bias [n], shared by every row and entry, when
// with_bias), columns [j_begin, j_end) of each; a, b, c and bias are byte offsets of float32
// arrays. A[e](i, p) = a[e * a_batch + i * a_row + p * a_inner]; B[e] is [k, n] at
// b + e * b_batch (b_batch 0 shares one B); C[e] is [m, n] at c + e * m * n.
__attribute__((export_name("gemm"))) void gemm(const float *a, const float *b, float *c, int m,
                                               int k, int n, int j_begin, int j_end, int a_row,
                                               int a_inner, int a_batch, int b_batch, int batch,
                                               const float *bias, int with_bias) {
  for (int e = 0; e < batch; e++) {
    operand_a A = {a + e * a_batch, a_row, a_inner};
    product(A, b + e * b_batch, c + e * m * n, m, k, n, j_begin, j_end, with_bias ? bias : 0);
  }
}
