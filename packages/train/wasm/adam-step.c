// One Adam step for one weight tensor, in a single pass over tfjs's wasm heap (SIMD):
//
//   g  = s · gradient                  (s: global-norm clipping's scale, 1 without clipping)
//   m' = β₁ m + (1 − β₁) g            v' = β₂ v + (1 − β₂) g²
//   θ' = θ − (η m'/c₁) / (√(v'/c₂) + ε)           c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ
//
// The same float32 operations in the same order as the composed tfjs ops of adam-update.ts
// (after the clipping's Mul), so the paths give the same numbers bit for bit; one pass instead
// of about thirteen, and no scaled copy of the gradient in memory.
//
// Every value stored is flushed to zero below float32's normal range (subnormal.h): the state
// of a weight the batches stop touching (an embedding row of a rare word) decays through the
// subnormals over thousands of steps, and each of them costs an Intel core a microcode assist.
// Only those values differ from the composed ops, and by less than 2^-126.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/subnormal.h"

typedef struct {
  v128_t b1, omb1, b2, omb2, c1, c2, lr, eps, scale;
} adam_t;

static inline v128_t step4(v128_t theta, v128_t gradient, v128_t *m, v128_t *v, adam_t a) {
  const v128_t g = wasm_f32x4_mul(gradient, a.scale);
  *m = flush_subnormals(wasm_f32x4_add(wasm_f32x4_mul(*m, a.b1), wasm_f32x4_mul(g, a.omb1)));
  *v = flush_subnormals(
      wasm_f32x4_add(wasm_f32x4_mul(*v, a.b2), wasm_f32x4_mul(wasm_f32x4_mul(g, g), a.omb2)));
  const v128_t m_hat = wasm_f32x4_div(*m, a.c1);
  const v128_t v_hat = wasm_f32x4_div(*v, a.c2);
  const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(m_hat, a.lr),
                                     wasm_f32x4_add(wasm_f32x4_sqrt(v_hat), a.eps));
  return flush_subnormals(wasm_f32x4_sub(theta, step));
}

// θ, g, m, v: inputs; theta_out, m_out, v_out: θ', m', v'. All float32 heap offsets.
__attribute__((export_name("adam_step"))) void adam_step(
    const float *theta, const float *g, const float *m, const float *v, float *theta_out,
    float *m_out, float *v_out, int n, float beta1, float one_minus_beta1, float beta2,
    float one_minus_beta2, float correction1, float correction2, float learning_rate,
    float epsilon, float gradient_scale) {
  const adam_t a = {wasm_f32x4_splat(beta1),         wasm_f32x4_splat(one_minus_beta1),
                    wasm_f32x4_splat(beta2),         wasm_f32x4_splat(one_minus_beta2),
                    wasm_f32x4_splat(correction1),   wasm_f32x4_splat(correction2),
                    wasm_f32x4_splat(learning_rate), wasm_f32x4_splat(epsilon),
                    wasm_f32x4_splat(gradient_scale)};
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t next_m = wasm_v128_load(m + i), next_v = wasm_v128_load(v + i);
    const v128_t out = step4(wasm_v128_load(theta + i), wasm_v128_load(g + i), &next_m, &next_v, a);
    wasm_v128_store(theta_out + i, out);
    wasm_v128_store(m_out + i, next_m);
    wasm_v128_store(v_out + i, next_v);
  }
  // The last 1-3 elements one lane at a time (a lane buffer would need a stack).
  for (; i < n; i++) {
    v128_t next_m = wasm_f32x4_splat(m[i]), next_v = wasm_f32x4_splat(v[i]);
    const v128_t out =
        step4(wasm_f32x4_splat(theta[i]), wasm_f32x4_splat(g[i]), &next_m, &next_v, a);
    theta_out[i] = wasm_f32x4_extract_lane(out, 0);
    m_out[i] = wasm_f32x4_extract_lane(next_m, 0);
    v_out[i] = wasm_f32x4_extract_lane(next_v, 0);
  }
}
