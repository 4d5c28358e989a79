// One step of a GRU window's gate equations (gruRecurrence in src/gru-recurrence.ts) on tfjs's
// wasm heap, forward and backward, for unit (b, j), with the step's products of h̃ W_h
// (m_r, m_z, q') and its input projections (P^r, P^z, P^n) read in place:
//
//   r = σ(P^r + m_r)   z = σ(P^z + m_z)   q = q' + b_hn                          gru_forward
//   n = tanh(P^n + r ⊙ q)   h = n + z ⊙ (h_prev − n)
//
//   g = dh_step + carry                                                          gru_backward
//   da_n = g (1 − z)(1 − n²)   da_r = da_n q r(1 − r)   da_z = g (h_prev − n) z(1 − z)
//   dq = da_n r   and g z (the caller adds the recurrent product's gradient to it: the carry)
//
// Each is one kernel where the composed tfjs ops were 11 and 10 per step, each a kernel call
// and a tensor. The float32 operations are the equations' as written, σ and tanh those of
// activations.h (within a few ulps of the float64 functions). The products
// and their gradient are [B, 3H] (product_row 3H, product_gate H) with tied masks and [3, B, H]
// (product_row H, product_gate B·H) untied. Every value written is flushed below 2^-63
// (cell-lanes.h).
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/simd-math.h"
#include "../../core/wasm/activations.h"
#include "../../core/wasm/subnormal.h"
#include "cell-lanes.h"

// h, (r, z) as [B, 2H], q and n of a step; gates_in and candidate_in point at the step's slice
// of P^{rz} and P^n (r at column j, z at hidden + j of a row).
__attribute__((export_name("gru_forward"))) void gru_forward(
    const float *product, const float *gates_in, const float *candidate_in, const float *bias_n,
    const float *h_prev, float *h, float *rz, float *q, float *n_out, int batch, int hidden,
    int product_row, int product_gate, int gates_row, int candidate_row) {
  for (int b = 0; b < batch; b++) {
    const float *m = product + b * product_row;
    const float *pg = gates_in + b * gates_row;
    const float *pc = candidate_in + b * candidate_row;
    float *rz_row = rz + 2 * b * hidden;
    for (int j = 0; j < hidden; j += 4) {
      const int k = hidden - j;
      const int at = b * hidden + j;
      const v128_t r = sigmoid4(wasm_f32x4_add(load(pg + j, k), load(m + j, k)));
      const v128_t z =
          sigmoid4(wasm_f32x4_add(load(pg + hidden + j, k), load(m + product_gate + j, k)));
      const v128_t qv = wasm_f32x4_add(load(m + 2 * product_gate + j, k), load(bias_n + j, k));
      const v128_t nv = tanh4(wasm_f32x4_add(load(pc + j, k), wasm_f32x4_mul(r, qv)));
      const v128_t hp = load(h_prev + at, k);
      store(h + at, wasm_f32x4_add(nv, wasm_f32x4_mul(z, wasm_f32x4_sub(hp, nv))), k);
      store(rz_row + j, r, k);
      store(rz_row + hidden + j, z, k);
      store(q + at, qv, k);
      store(n_out + at, nv, k);
    }
  }
}

// The products' gradient (da_r, da_z, dq in the products' layout), da_n and g z of a step, from
// dh_step (the step's slice of the window's output gradient, row stride dh_row) and carry ([B, H],
// 0 at the window's last step).
__attribute__((export_name("gru_backward"))) void gru_backward(
    const float *dh_step, const float *carry, const float *rz, const float *q, const float *n_in,
    const float *h_prev, float *dproduct, float *dn, float *gz, int batch, int hidden,
    int product_row, int product_gate, int dh_row) {
  const view step = {dh_step, dh_row, 0}, carried = {carry, hidden, 0};
  const v128_t one = F4(1.0f);
  for (int b = 0; b < batch; b++) {
    const float *rz_row = rz + 2 * b * hidden;
    float *d = dproduct + b * product_row;
    for (int j = 0; j < hidden; j += 4) {
      const int k = hidden - j;
      const int at = b * hidden + j;
      const v128_t g = dh_at(step, carried, b, j, k);
      const v128_t r = load(rz_row + j, k), z = load(rz_row + hidden + j, k);
      const v128_t nv = load(n_in + at, k);
      const v128_t dn_v = wasm_f32x4_mul(wasm_f32x4_mul(g, wasm_f32x4_sub(one, z)),
                                         wasm_f32x4_sub(one, wasm_f32x4_mul(nv, nv)));
      const v128_t dr = wasm_f32x4_mul(wasm_f32x4_mul(dn_v, load(q + at, k)),
                                       wasm_f32x4_mul(r, wasm_f32x4_sub(one, r)));
      const v128_t dz = wasm_f32x4_mul(wasm_f32x4_mul(g, wasm_f32x4_sub(load(h_prev + at, k), nv)),
                                       wasm_f32x4_mul(z, wasm_f32x4_sub(one, z)));
      store(d + j, dr, k);
      store(d + product_gate + j, dz, k);
      store(d + 2 * product_gate + j, wasm_f32x4_mul(dn_v, r), k);
      store(dn + at, dn_v, k);
      store(gz + at, wasm_f32x4_mul(g, z), k);
    }
  }
}
