// Float32 sums over the rows or the columns of a row-major [rows, columns] matrix, for tfjs's
// wasm heap (WebAssembly SIMD). tfjs-wasm's Sum adds one element at a time into one float, so
// it waits on each add's latency (about 1.3 ns per element: 2.4 ms for the 4M logits of a
// PTB-small softmax), and a sum over leading axes first transposes its input into a scratch
// copy (5 ms for the softmax bias gradient, 400 rows of 10,000).
//
// sum_rows and sum_span keep 16 partial sums (four vectors) and add them pairwise at the end:
// no slower than memory, and a smaller rounding error than one running float (the tests bound
// both against float64). sum_columns streams the rows in order, adding each into the output:
// every column is summed in row order, as tfjs's transposed sum does.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include <wasm_simd128.h>

// Σ x[0..n) in float32: four vector accumulators, then the lanes pairwise, then the tail.
static inline float span_sum(const float *x, int n) {
  v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = wasm_f32x4_add(a0, wasm_v128_load(x + i));
    a1 = wasm_f32x4_add(a1, wasm_v128_load(x + i + 4));
    a2 = wasm_f32x4_add(a2, wasm_v128_load(x + i + 8));
    a3 = wasm_f32x4_add(a3, wasm_v128_load(x + i + 12));
  }
  for (; i + 4 <= n; i += 4) a0 = wasm_f32x4_add(a0, wasm_v128_load(x + i));
  const v128_t a = wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3));
  float sum = (wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1)) +
              (wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3));
  for (; i < n; i++) sum += x[i];
  return sum;
}

// out[r] = Σ_c x[r · columns + c] for the rows r in [begin, end).
__attribute__((export_name("sum_rows"))) void sum_rows(const float *x, float *out, int columns,
                                                       int begin, int end) {
  for (int r = begin; r < end; r++) out[r] = span_sum(x + (long)r * columns, columns);
}

// Σ x[0..n), for one part of a sum over everything (the caller adds the parts).
__attribute__((export_name("sum_span"))) double sum_span(const float *x, int n) {
  return span_sum(x, n);
}

// out[c] = Σ_r x[r · columns + c] for the columns c in [begin, end), rows in order. Sixteen
// columns at a time are summed down all rows in four vector registers, then stored once.
static inline void columns_of(const float *x, float *out, int rows, int columns, int begin,
                              int end) {
  int c = begin;
  for (; c + 16 <= end; c += 16) {
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    const float *p = x + c;
    for (int r = 0; r < rows; r++, p += columns) {
      a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
      a1 = wasm_f32x4_add(a1, wasm_v128_load(p + 4));
      a2 = wasm_f32x4_add(a2, wasm_v128_load(p + 8));
      a3 = wasm_f32x4_add(a3, wasm_v128_load(p + 12));
    }
    wasm_v128_store(out + c, a0);
    wasm_v128_store(out + c + 4, a1);
    wasm_v128_store(out + c + 8, a2);
    wasm_v128_store(out + c + 12, a3);
  }
  for (; c + 4 <= end; c += 4) {
    v128_t a = wasm_f32x4_splat(0.0f);
    const float *p = x + c;
    for (int r = 0; r < rows; r++, p += columns) a = wasm_f32x4_add(a, wasm_v128_load(p));
    wasm_v128_store(out + c, a);
  }
  for (; c < end; c++) {
    float a = 0.0f;
    for (int r = 0; r < rows; r++) a += x[(long)r * columns + c];
    out[c] = a;
  }
}

// columns_of for each of `outer` [rows, columns] matrices one after another (outer 1: a sum
// over leading axes; more: over middle ones), the columns [begin, end) of every matrix: a part
// of the split is a range of columns, whatever the number of matrices.
__attribute__((export_name("sum_columns"))) void sum_columns(const float *x, float *out,
                                                             int outer, int rows, int columns,
                                                             int begin, int end) {
  const long size = (long)rows * columns;
  for (int o = 0; o < outer; o++) {
    columns_of(x + o * size, out + (long)o * columns, rows, columns, begin, end);
  }
}

// Σ x[i]² over [0, n) in float32 (16 partial sums, as span_sum), for one part of a squared
// norm (the caller adds the parts): one pass, where Square then Sum were two and a tensor.
__attribute__((export_name("sum_squares"))) double sum_squares(const float *x, int n) {
  v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t x0 = wasm_v128_load(x + i), x1 = wasm_v128_load(x + i + 4);
    const v128_t x2 = wasm_v128_load(x + i + 8), x3 = wasm_v128_load(x + i + 12);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, x0));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x1, x1));
    a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(x2, x2));
    a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(x3, x3));
  }
  for (; i + 4 <= n; i += 4) {
    const v128_t x0 = wasm_v128_load(x + i);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, x0));
  }
  const v128_t a = wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3));
  float sum = (wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1)) +
              (wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3));
  for (; i < n; i++) sum += x[i] * x[i];
  return sum;
}
