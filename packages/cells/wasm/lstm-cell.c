// The LSTM's gate equations for one time step, and their gradient, each one pass over tfjs's
// wasm heap (WebAssembly SIMD, four units at a time):
//
//   i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)                       lstm_forward
//   c = f ⊙ c_prev + i ⊙ g     h = o ⊙ tanh(c)
//
//   dc_t   = dc + dh ⊙ o ⊙ (1 − tanh²(c))                                  lstm_backward
//   da_i = dc_t ⊙ g ⊙ i(1 − i)   da_f = dc_t ⊙ c_prev ⊙ f(1 − f)
//   da_g = dc_t ⊙ i ⊙ (1 − g²)   da_o = dh ⊙ tanh(c) ⊙ o(1 − o)   dc_prev = dc_t ⊙ f
//
// Pre-activations a are read in either layout the cell makes: [B, 4H] (gate blocks side by
// side in a row: gate_stride H, row_stride 4H) or [4, B, H] (gate_stride B·H, row_stride H);
// da is written in the same layout. The forward pass keeps (i, f, g, o, tanh c) as `acts`
// [B, 5H] for the backward pass. The _sum variants add a second input to the pre-activations
// (forward) or to dh (backward), each read in place with strides of its own, so that
// `lstmRecurrence` needs no Add and no per-step slice around them. Why one kernel: tfjs runs these equations as ten element-wise
// kernels (the gate split, three σ, two tanh, three products, a sum), and their gradients as
// more, on [B, H] = [20, 200], where each costs its fixed overhead, not its arithmetic.
//
// Every value written is flushed to zero below 2^-63 (subnormal.h): saturated gates would
// otherwise hand the window's matrix products subnormal operands and products, each an Intel
// microcode assist. A NaN pre-activation gives NaN gates, as σ and tanh of tfjs do.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/simd-math.h"
#include "../../core/wasm/activations.h"
#include "../../core/wasm/subnormal.h"
#include "cell-lanes.h"

static inline v128_t pre_at(const float *a, view add, int b, int gate, int gate_stride, int j,
                            int n) {
  const v128_t x = load(a + gate * gate_stride + j, n);
  if (add.p == 0) return x;
  return wasm_f32x4_add(x, load(add.p + b * add.row_stride + gate * add.gate_stride + j, n));
}

static inline void forward(const float *pre, view add, const float *c_prev, float *h, float *c,
                           float *acts, int batch, int hidden, int row_stride, int gate_stride) {
  for (int b = 0; b < batch; b++) {
    const float *a = pre + b * row_stride;
    float *act = acts + b * 5 * hidden;
    for (int j = 0; j < hidden; j += 4) {
      const int n = hidden - j;
      const v128_t i = sigmoid4(pre_at(a, add, b, 0, gate_stride, j, n));
      const v128_t f = sigmoid4(pre_at(a, add, b, 1, gate_stride, j, n));
      const v128_t g = tanh4(pre_at(a, add, b, 2, gate_stride, j, n));
      const v128_t o = sigmoid4(pre_at(a, add, b, 3, gate_stride, j, n));
      const v128_t cp = load(c_prev + b * hidden + j, n);
      const v128_t cn = wasm_f32x4_add(wasm_f32x4_mul(f, cp), wasm_f32x4_mul(i, g));
      const v128_t tc = tanh4(cn);
      store(c + b * hidden + j, cn, n);
      store(h + b * hidden + j, wasm_f32x4_mul(o, tc), n);
      store(act + j, i, n);
      store(act + hidden + j, f, n);
      store(act + 2 * hidden + j, g, n);
      store(act + 3 * hidden + j, o, n);
      store(act + 4 * hidden + j, tc, n);
    }
  }
}

__attribute__((export_name("lstm_forward"))) void lstm_forward(const float *pre,
                                                               const float *c_prev, float *h,
                                                               float *c, float *acts, int batch,
                                                               int hidden, int row_stride,
                                                               int gate_stride) {
  const view none = {0, 0, 0};
  forward(pre, none, c_prev, h, c, acts, batch, hidden, row_stride, gate_stride);
}

// lstm_forward of pre + addend: the sum is the float32 add tfjs's Add would make, so the
// result is bit for bit that of an Add and lstm_forward.
__attribute__((export_name("lstm_forward_sum"))) void lstm_forward_sum(
    const float *pre, const float *addend, const float *c_prev, float *h, float *c, float *acts,
    int batch, int hidden, int row_stride, int gate_stride, int addend_row_stride,
    int addend_gate_stride) {
  const view add = {addend, addend_row_stride, addend_gate_stride};
  forward(pre, add, c_prev, h, c, acts, batch, hidden, row_stride, gate_stride);
}

static inline void backward(view dh, view extra, const float *dc, const float *acts,
                            const float *c_prev, float *dpre, float *dc_prev, int batch,
                            int hidden, int row_stride, int gate_stride) {
  const v128_t one = F4(1.0f);
  for (int b = 0; b < batch; b++) {
    const float *act = acts + b * 5 * hidden;
    float *da = dpre + b * row_stride;
    for (int j = 0; j < hidden; j += 4) {
      const int n = hidden - j;
      const int at = b * hidden + j;
      const v128_t i = load(act + j, n), f = load(act + hidden + j, n);
      const v128_t g = load(act + 2 * hidden + j, n), o = load(act + 3 * hidden + j, n);
      const v128_t tc = load(act + 4 * hidden + j, n);
      const v128_t dho = dh_at(dh, extra, b, j, n);
      const v128_t dct = wasm_f32x4_add(
          load(dc + at, n),
          wasm_f32x4_mul(wasm_f32x4_mul(dho, o), wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))));
      const v128_t di = wasm_f32x4_mul(wasm_f32x4_mul(dct, g),
                                       wasm_f32x4_mul(i, wasm_f32x4_sub(one, i)));
      const v128_t df = wasm_f32x4_mul(wasm_f32x4_mul(dct, load(c_prev + at, n)),
                                       wasm_f32x4_mul(f, wasm_f32x4_sub(one, f)));
      const v128_t dg = wasm_f32x4_mul(wasm_f32x4_mul(dct, i),
                                       wasm_f32x4_sub(one, wasm_f32x4_mul(g, g)));
      const v128_t d_o = wasm_f32x4_mul(wasm_f32x4_mul(dho, tc),
                                        wasm_f32x4_mul(o, wasm_f32x4_sub(one, o)));
      store(da + j, di, n);
      store(da + gate_stride + j, df, n);
      store(da + 2 * gate_stride + j, dg, n);
      store(da + 3 * gate_stride + j, d_o, n);
      store(dc_prev + at, wasm_f32x4_mul(dct, f), n);
    }
  }
}

__attribute__((export_name("lstm_backward"))) void lstm_backward(
    const float *dh, const float *dc, const float *acts, const float *c_prev, float *dpre,
    float *dc_prev, int batch, int hidden, int row_stride, int gate_stride) {
  const view only = {dh, hidden, 0}, none = {0, 0, 0};
  backward(only, none, dc, acts, c_prev, dpre, dc_prev, batch, hidden, row_stride, gate_stride);
}

// lstm_backward of dh = dh_step + dh_carried: dh_step read in place with its own row stride
// (a step of the window's output gradient), dh_carried ([B, H]) absent (0) at the last step.
__attribute__((export_name("lstm_backward_sum"))) void lstm_backward_sum(
    const float *dh_step, const float *dh_carried, const float *dc, const float *acts,
    const float *c_prev, float *dpre, float *dc_prev, int batch, int hidden, int row_stride,
    int gate_stride, int dh_step_row_stride) {
  const view step = {dh_step, dh_step_row_stride, 0}, carried = {dh_carried, hidden, 0};
  backward(step, carried, dc, acts, c_prev, dpre, dc_prev, batch, hidden, row_stride,
           gate_stride);
}
