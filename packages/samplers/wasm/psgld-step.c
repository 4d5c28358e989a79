// One pSGLD step for one weight tensor, in a single pass over tfjs's wasm heap (SIMD).
//
//   g   = k · gradient               (k: global-norm clipping's scale, 1 without clipping)
//   v'  = β v + (1 − β) g²
//   G⁻¹ = 1 / (√v' + λ)
//   θ'  = θ − η G⁻¹ (g + c θ) + √(s G⁻¹) ξ           c = 1/(σ² N), s = 2 η T / N
//
// The same float32 operations in the same order as the composed tfjs ops of psgld.ts, so the
// two paths agree to rounding; one pass instead of about fifteen. `c = 0` drops the prior term
// and `s = 0` the noise, as the composed path does.
//
// psgld_noisy_step draws ξ itself (normal.h's block streams, the numbers randomNormal gives
// for the key), a slice at a time into θ', where the step then reads it from the cache: no
// separate pass writes the noise to memory and reads it back. psgld_step reads ξ from θ'
// (written there beforehand, or unused when s = 0); each lane reads its ξ before writing.
//
// Every value stored is flushed to zero below float32's normal range (subnormal.h): the state
// of a weight the batches stop touching (an embedding row of a rare word) decays through the
// subnormals over thousands of steps, and each of them costs an Intel core a microcode assist.
// Only those values differ from the composed ops, and by less than 2^-126.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/normal.h"
#include "../../core/wasm/subnormal.h"

typedef struct {
  v128_t beta, one_minus_beta, lambda, eta, c, s, k;
  int has_prior, has_noise;
} psgld_t;

static inline psgld_t psgld_of(float beta, float one_minus_beta, float lambda, float eta,
                               float c, float s, float gradient_scale) {
  const psgld_t p = {wasm_f32x4_splat(beta), wasm_f32x4_splat(one_minus_beta),
                     wasm_f32x4_splat(lambda), wasm_f32x4_splat(eta), wasm_f32x4_splat(c),
                     wasm_f32x4_splat(s), wasm_f32x4_splat(gradient_scale), c != 0.0f,
                     s != 0.0f};
  return p;
}

static inline v128_t step4(v128_t theta, v128_t gradient, v128_t *v, v128_t xi, psgld_t p) {
  const v128_t g = wasm_f32x4_mul(gradient, p.k);
  const v128_t next_v = flush_subnormals(wasm_f32x4_add(
      wasm_f32x4_mul(*v, p.beta), wasm_f32x4_mul(wasm_f32x4_mul(g, g), p.one_minus_beta)));
  *v = next_v;
  const v128_t inverse_g =
      wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_add(wasm_f32x4_sqrt(next_v), p.lambda));
  const v128_t potential = p.has_prior ? wasm_f32x4_add(g, wasm_f32x4_mul(theta, p.c)) : g;
  const v128_t drift = wasm_f32x4_mul(wasm_f32x4_mul(potential, inverse_g), p.eta);
  const v128_t moved = wasm_f32x4_sub(theta, drift);
  if (!p.has_noise) return flush_subnormals(moved);
  const v128_t scale = wasm_f32x4_sqrt(wasm_f32x4_mul(inverse_g, p.s));
  return flush_subnormals(wasm_f32x4_add(moved, wasm_f32x4_mul(xi, scale)));
}

// The step over elements [0, n): θ, g, v in; xi_theta holds ξ on entry and θ' on return.
static inline void step_range(const float *theta, const float *g, const float *v,
                              float *xi_theta, float *v_out, int n, psgld_t p) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t next_v = wasm_v128_load(v + i);
    const v128_t out = step4(wasm_v128_load(theta + i), wasm_v128_load(g + i), &next_v,
                             wasm_v128_load(xi_theta + i), p);
    wasm_v128_store(v_out + i, next_v);
    wasm_v128_store(xi_theta + i, out);
  }
  // The last 1-3 elements one lane at a time (a lane buffer would need a stack).
  for (; i < n; i++) {
    v128_t next_v = wasm_f32x4_splat(v[i]);
    const v128_t out = step4(wasm_f32x4_splat(theta[i]), wasm_f32x4_splat(g[i]), &next_v,
                             wasm_f32x4_splat(xi_theta[i]), p);
    v_out[i] = wasm_f32x4_extract_lane(next_v, 0);
    xi_theta[i] = wasm_f32x4_extract_lane(out, 0);
  }
}

// θ, g, v: inputs; xi_theta: ξ on entry, θ' on return; v_out: v'. All float32 heap offsets.
__attribute__((export_name("psgld_step"))) void psgld_step(
    const float *theta, const float *g, const float *v, float *xi_theta, float *v_out, int n,
    float beta, float one_minus_beta, float lambda, float eta, float c, float s,
    float gradient_scale) {
  step_range(theta, g, v, xi_theta, v_out, n,
             psgld_of(beta, one_minus_beta, lambda, eta, c, s, gradient_scale));
}

// The blocks [first, end) of an n-element weight (runNoiseKernel's split): ξ drawn from the
// key (w0, w1) a slice at a time into theta_out, then the step over that slice.
__attribute__((export_name("psgld_noisy_step"))) void psgld_noisy_step(
    const float *theta, const float *g, const float *v, float *theta_out, float *v_out, int n,
    int w0, int w1, int first, int end, float beta, float one_minus_beta,
    float lambda, float eta, float c, float s, float gradient_scale) {
  const psgld_t p = psgld_of(beta, one_minus_beta, lambda, eta, c, s, gradient_scale);
  noise_slices slices = noise_slices_of(n, w0, w1, first, end);
  int at, count;
  while ((count = next_noise_slice(&slices, theta_out, &at)) > 0) {
    step_range(theta + at, g + at, v + at, theta_out + at, v_out + at, count, p);
  }
}
