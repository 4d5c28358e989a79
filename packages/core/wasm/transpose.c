// Transposes of 4-byte elements (float32, int32) on tfjs's wasm heap, with WebAssembly SIMD:
// y[b, c, r] = x[b, r, c] for `batch` row-major [rows, columns] matrices stored one after
// another. Every transpose a training step takes has this form once adjacent axes that move
// together are merged (wasm-transpose.ts): the softmax weight's [200, 10,000] for dlogits·Wᵀ,
// the LSTM kernels' [200, 800]. tfjs-wasm's Transpose walks the output one element at a time,
// recomputing each one's input offset: 5.1 ms for the softmax weight (2.5 ns an element).
//
// The output is cut into 16 × 16 tiles: a tile reads 16 rows of 64 bytes and writes 16 rows
// of 64 bytes, all in L1, and each 4 × 4 block inside it is four loads, eight shuffles and
// four stores. Rows and columns beyond a multiple of four go an element at a time.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include <wasm_simd128.h>

#define TILE 16

// The 4 × 4 block at x (row stride `from`) written transposed at y (row stride `to`).
static inline void block4(const int *x, int *y, long from, long to) {
  const v128_t a = wasm_v128_load(x), b = wasm_v128_load(x + from);
  const v128_t c = wasm_v128_load(x + 2 * from), d = wasm_v128_load(x + 3 * from);
  const v128_t ab_low = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
  const v128_t ab_high = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
  const v128_t cd_low = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
  const v128_t cd_high = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
  wasm_v128_store(y, wasm_i32x4_shuffle(ab_low, cd_low, 0, 1, 4, 5));
  wasm_v128_store(y + to, wasm_i32x4_shuffle(ab_low, cd_low, 2, 3, 6, 7));
  wasm_v128_store(y + 2 * to, wasm_i32x4_shuffle(ab_high, cd_high, 0, 1, 4, 5));
  wasm_v128_store(y + 3 * to, wasm_i32x4_shuffle(ab_high, cd_high, 2, 3, 6, 7));
}

// Output rows [c0, c1) (input columns) by output columns [r0, r1) (input rows) of one matrix:
// 4 × 4 blocks, then the leftover columns and rows element by element.
static void tile(const int *x, int *y, long rows, long columns, long c0, long c1, long r0,
                 long r1) {
  const long c4 = c0 + ((c1 - c0) & ~3L), r4 = r0 + ((r1 - r0) & ~3L);
  for (long c = c0; c < c4; c += 4) {
    for (long r = r0; r < r4; r += 4) block4(x + r * columns + c, y + c * rows + r, columns, rows);
    for (long r = r4; r < r1; r++) {
      for (long k = c; k < c + 4; k++) y[k * rows + r] = x[r * columns + k];
    }
  }
  for (long c = c4; c < c1; c++) {
    for (long r = r0; r < r1; r++) y[c * rows + r] = x[r * columns + c];
  }
}

// y[b, c, r] = x[b, r, c] for the output rows q = b · columns + c in [begin, end): the parts
// of a call split over threads are ranges of output rows, which no two parts write.
__attribute__((export_name("transpose_rows"))) void transpose_rows(const int *x, int *y,
                                                                   int rows, int columns,
                                                                   int begin, int end) {
  const long size = (long)rows * columns;
  for (long q = begin; q < end;) {
    const long b = q / columns, c0 = q % columns;
    const long c1 = c0 + (end - q < columns - c0 ? end - q : columns - c0);
    const int *matrix = x + b * size;
    int *out = y + b * size;
    for (long ct = c0; ct < c1; ct += TILE) {
      const long ce = ct + TILE < c1 ? ct + TILE : c1;
      for (long rt = 0; rt < rows; rt += TILE) {
        tile(matrix, out, rows, columns, ct, ce, rt, rt + TILE < rows ? rt + TILE : rows);
      }
    }
    q += c1 - c0;
  }
}
