// UnsortedSegmentSum of float32 rows for tfjs's wasm heap (the gradient of every embedding
// lookup): out[s, :] = Σ_{r : ids[r] = s} x[r, :] over the segments [first, end), so that the
// segments can be split over threads without two writing one row. The output is zeroed here:
// 8 MB for the PTB-small embedding's gradient, which a JavaScript loop over the heap's shared
// memory wrote at a third of this speed.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include <wasm_simd128.h>

// y[0..n) += x[0..n).
static inline void add_row(float *y, const float *x, int n) {
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    wasm_v128_store(y + j, wasm_f32x4_add(wasm_v128_load(y + j), wasm_v128_load(x + j)));
  }
  for (; j < n; j++) y[j] += x[j];
}

// Segments [first, end) of out ([segments, row_size]): zeroed, then each of the `rows` rows of
// x whose id falls among them added in. Ids outside [0, segments) fall in no range: dropped.
__attribute__((export_name("segment_sum_rows"))) void segment_sum_rows(
    const float *x, const int *ids, float *out, int rows, int row_size, int first, int end) {
  float *begin = out + first * row_size;
  const int count = (end - first) * row_size;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 16 <= count; i += 16) {
    wasm_v128_store(begin + i, zero);
    wasm_v128_store(begin + i + 4, zero);
    wasm_v128_store(begin + i + 8, zero);
    wasm_v128_store(begin + i + 12, zero);
  }
  for (; i < count; i++) begin[i] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const int s = ids[r];
    if (s >= first && s < end) add_row(out + s * row_size, x + r * row_size, row_size);
  }
}
