// One RMSprop step for one weight tensor, in a single pass over tfjs's wasm heap (SIMD):
//
//   g  = s · gradient                  (s: global-norm clipping's scale, 1 without clipping)
//   v' = ρ v + (1 − ρ) g²
//   θ' = θ − η g / (√v' + ε)
//
// The same float32 operations in the same order as the composed tfjs ops of rmsprop-update.ts
// (after the clipping's Mul), so the paths give the same numbers bit for bit; one pass instead
// of seven, and no scaled copy of the gradient in memory. pSGLD's preconditioner is this v'
// (samplers/wasm/psgld-step.c), which is why the bench compares the two steps.
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
  v128_t decay, one_minus_decay, lr, eps, scale;
} rmsprop_t;

static inline v128_t step4(v128_t theta, v128_t gradient, v128_t *v, rmsprop_t a) {
  const v128_t g = wasm_f32x4_mul(gradient, a.scale);
  *v = flush_subnormals(wasm_f32x4_add(wasm_f32x4_mul(*v, a.decay),
                                       wasm_f32x4_mul(wasm_f32x4_mul(g, g), a.one_minus_decay)));
  const v128_t step =
      wasm_f32x4_div(wasm_f32x4_mul(g, a.lr), wasm_f32x4_add(wasm_f32x4_sqrt(*v), a.eps));
  return flush_subnormals(wasm_f32x4_sub(theta, step));
}

// θ, g, v: inputs; theta_out, v_out: θ', v'. All float32 heap offsets.
__attribute__((export_name("rmsprop_step"))) void rmsprop_step(
    const float *theta, const float *g, const float *v, float *theta_out, float *v_out, int n,
    float decay, float one_minus_decay, float learning_rate, float epsilon,
    float gradient_scale) {
  const rmsprop_t a = {wasm_f32x4_splat(decay), wasm_f32x4_splat(one_minus_decay),
                       wasm_f32x4_splat(learning_rate), wasm_f32x4_splat(epsilon),
                       wasm_f32x4_splat(gradient_scale)};
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t next_v = wasm_v128_load(v + i);
    wasm_v128_store(theta_out + i,
                    step4(wasm_v128_load(theta + i), wasm_v128_load(g + i), &next_v, a));
    wasm_v128_store(v_out + i, next_v);
  }
  // The last 1-3 elements one lane at a time (a lane buffer would need a stack).
  for (; i < n; i++) {
    v128_t next_v = wasm_f32x4_splat(v[i]);
    theta_out[i] = wasm_f32x4_extract_lane(
        step4(wasm_f32x4_splat(theta[i]), wasm_f32x4_splat(g[i]), &next_v, a), 0);
    v_out[i] = wasm_f32x4_extract_lane(next_v, 0);
  }
}
