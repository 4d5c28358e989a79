// Element-wise Add, Sub and Mul of float32 tensors for tfjs's wasm heap (WebAssembly SIMD), for
// the broadcasts a training step makes: two operands of one shape, a scalar, an operand whose
// shape ends the other's (h [B, H] against untied masks [4, B, H]; a bias [n] against [m, n])
// in binary_repeat, and any broadcast whose axes merge into at most three outer ones and a last
// one in binary_rows (masks over a window's steps, [B, T, H] × [B, 1, H]; a bias per gate). tfjs-wasm runs these on XNNPACK with its thread pool, whose threads sleep between the
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

// out = x ∘ y over rows of `last` elements: row r = ((i0 · d1) + i1) · d2 + i2 starts at
// i0·xs0 + i1·xs1 + i2·xs2 in x and i0·ys0 + i1·ys1 + i2·ys2 in y (a stride 0 broadcasts that
// axis); x_full / y_full say whether the operand has the last axis or repeats one value along
// it. Rows [begin, end).
static inline void rows(int op, const float *x, const float *y, float *out, int last, int x_full,
                        int y_full, int d1, int d2, int xs0, int xs1, int xs2, int ys0, int ys1,
                        int ys2, int begin, int end) {
  for (int r = begin; r < end; r++) {
    const int i2 = r % d2, i1 = (r / d2) % d1, i0 = r / (d2 * d1);
    const float *xr = x + i0 * xs0 + i1 * xs1 + i2 * xs2;
    const float *yr = y + i0 * ys0 + i1 * ys1 + i2 * ys2;
    float *o = out + r * last;
    int k = 0;
    if (x_full && y_full) {
      for (; k + 4 <= last; k += 4) {
        wasm_v128_store(o + k, apply4(op, wasm_v128_load(xr + k), wasm_v128_load(yr + k)));
      }
      for (; k < last; k++) o[k] = apply1(op, xr[k], yr[k]);
    } else if (x_full) {
      const v128_t s = wasm_f32x4_splat(yr[0]);
      for (; k + 4 <= last; k += 4) wasm_v128_store(o + k, apply4(op, wasm_v128_load(xr + k), s));
      for (; k < last; k++) o[k] = apply1(op, xr[k], yr[0]);
    } else {
      const v128_t s = wasm_f32x4_splat(xr[0]);
      for (; k + 4 <= last; k += 4) wasm_v128_store(o + k, apply4(op, s, wasm_v128_load(yr + k)));
      for (; k < last; k++) o[k] = apply1(op, xr[0], yr[k]);
    }
  }
}

// rows with the operation a constant in each branch (OP_SUB_REVERSED is not used here: x is
// always the left operand).
__attribute__((export_name("binary_rows"))) void binary_rows(
    const float *x, const float *y, float *out, int op, int last, int x_full, int y_full, int d1,
    int d2, int xs0, int xs1, int xs2, int ys0, int ys1, int ys2, int begin, int end) {
  switch (op) {
    case OP_ADD:
      rows(OP_ADD, x, y, out, last, x_full, y_full, d1, d2, xs0, xs1, xs2, ys0, ys1, ys2, begin, end);
      break;
    case OP_SUB:
      rows(OP_SUB, x, y, out, last, x_full, y_full, d1, d2, xs0, xs1, xs2, ys0, ys1, ys2, begin, end);
      break;
    default:
      rows(OP_MUL, x, y, out, last, x_full, y_full, d1, d2, xs0, xs1, xs2, ys0, ys1, ys2, begin, end);
      break;
  }
}
