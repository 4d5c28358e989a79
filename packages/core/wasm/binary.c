// Element-wise Add, Sub and Mul of float32 tensors for tfjs's wasm heap (WebAssembly SIMD), for
// the broadcasts a training step makes most: two operands of one shape, a scalar, and an operand
// whose shape ends the other's (h [B, H] against untied masks [4, B, H]; a bias [n] against
// [m, n]). tfjs-wasm runs these on XNNPACK with its thread pool, whose threads sleep between the
// step's calls: a [20, 200] × [4, 20, 200] product took 15 µs called back to back and 55 µs
// after an idle millisecond, 11 µs here (bench/src/experiments/idle-pool.ts). These run on the
// calling thread, or split over the project's helper threads when large. IEEE-754 rounds each add,
// subtract and multiply exactly, so the results are XNNPACK's bit for bit.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include <wasm_simd128.h>

#define OP_ADD 0
#define OP_SUB 1          // x − y
#define OP_SUB_REVERSED 2 // y − x: the repeated operand was the left one
#define OP_MUL 3

static inline v128_t apply4(int op, v128_t x, v128_t y) {
  switch (op) {
    case OP_ADD: return wasm_f32x4_add(x, y);
    case OP_SUB: return wasm_f32x4_sub(x, y);
    case OP_SUB_REVERSED: return wasm_f32x4_sub(y, x);
    default: return wasm_f32x4_mul(x, y);
  }
}

static inline float apply1(int op, float x, float y) {
  switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_SUB_REVERSED: return y - x;
    default: return x * y;
  }
}

// out[i] = op(x[i], y[i mod m]) for i in [begin, end): y repeats along x, whole runs of it at a
// time; m = 1 is a scalar.
static inline void repeat(int op, const float *x, const float *y, float *out, int m, int begin,
                          int end) {
  if (m == 1) {
    const v128_t s = wasm_f32x4_splat(y[0]);
    int i = begin;
    for (; i + 4 <= end; i += 4) wasm_v128_store(out + i, apply4(op, wasm_v128_load(x + i), s));
    for (; i < end; i++) out[i] = apply1(op, x[i], y[0]);
    return;
  }
  int i = begin, j = begin % m;
  while (i < end) {
    const int run = m - j < end - i ? m - j : end - i;
    int k = 0;
    for (; k + 4 <= run; k += 4) {
      const v128_t v = apply4(op, wasm_v128_load(x + i + k), wasm_v128_load(y + j + k));
      wasm_v128_store(out + i + k, v);
    }
    for (; k < run; k++) out[i + k] = apply1(op, x[i + k], y[j + k]);
    i += run;
    j = 0;
  }
}

// repeat with the operation a constant in each branch, so each loop is compiled for its own.
__attribute__((export_name("binary_repeat"))) void binary_repeat(const float *x, const float *y,
                                                                 float *out, int m, int op,
                                                                 int begin, int end) {
  switch (op) {
    case OP_ADD: repeat(OP_ADD, x, y, out, m, begin, end); break;
    case OP_SUB: repeat(OP_SUB, x, y, out, m, begin, end); break;
    case OP_SUB_REVERSED: repeat(OP_SUB_REVERSED, x, y, out, m, begin, end); break;
    default: repeat(OP_MUL, x, y, out, m, begin, end); break;
  }
}
