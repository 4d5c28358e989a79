// One pSGLD step for one weight tensor, in a single pass over tfjs's wasm heap (SIMD).
//
//   v'  = β v + (1 − β) g²
//   G⁻¹ = 1 / (√v' + λ)
//   θ'  = θ − η G⁻¹ (g + c θ) + √(s G⁻¹) ξ           c = 1/(σ² N), s = 2 η T / N
//
// The same float32 operations in the same order as the composed tfjs ops of psgld.ts, so the
// two paths agree to rounding; one pass instead of about fifteen. ξ is read from `xi_theta`,
// which receives θ' (each lane reads its ξ before writing). `c = 0` drops the prior term and
// `s = 0` the noise, as the composed path does.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include <wasm_simd128.h>

static inline v128_t step4(v128_t theta, v128_t g, v128_t *v, v128_t xi, v128_t beta,
                           v128_t one_minus_beta, v128_t lambda, v128_t eta, v128_t c,
                           v128_t s, int has_prior, int has_noise) {
  const v128_t next_v =
      wasm_f32x4_add(wasm_f32x4_mul(*v, beta), wasm_f32x4_mul(wasm_f32x4_mul(g, g), one_minus_beta));
  *v = next_v;
  const v128_t inverse_g =
      wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_add(wasm_f32x4_sqrt(next_v), lambda));
  const v128_t potential = has_prior ? wasm_f32x4_add(g, wasm_f32x4_mul(theta, c)) : g;
  const v128_t drift = wasm_f32x4_mul(wasm_f32x4_mul(potential, inverse_g), eta);
  const v128_t moved = wasm_f32x4_sub(theta, drift);
  if (!has_noise) return moved;
  const v128_t scale = wasm_f32x4_sqrt(wasm_f32x4_mul(inverse_g, s));
  return wasm_f32x4_add(moved, wasm_f32x4_mul(xi, scale));
}

// θ, g, v: inputs; xi_theta: ξ on entry, θ' on return; v_out: v'. All float32 heap offsets.
__attribute__((export_name("psgld_step"))) void psgld_step(const float *theta, const float *g,
                                                            const float *v, float *xi_theta,
                                                            float *v_out, int n, float beta,
                                                            float one_minus_beta, float lambda,
                                                            float eta, float c, float s) {
  const v128_t b = wasm_f32x4_splat(beta), ob = wasm_f32x4_splat(one_minus_beta);
  const v128_t l = wasm_f32x4_splat(lambda), e = wasm_f32x4_splat(eta);
  const v128_t cc = wasm_f32x4_splat(c), ss = wasm_f32x4_splat(s);
  const int has_prior = c != 0.0f, has_noise = s != 0.0f;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t next_v = wasm_v128_load(v + i);
    const v128_t out = step4(wasm_v128_load(theta + i), wasm_v128_load(g + i), &next_v,
                             wasm_v128_load(xi_theta + i), b, ob, l, e, cc, ss, has_prior,
                             has_noise);
    wasm_v128_store(v_out + i, next_v);
    wasm_v128_store(xi_theta + i, out);
  }
  // The last 1-3 elements one lane at a time (a lane buffer would need a stack).
  for (; i < n; i++) {
    v128_t next_v = wasm_f32x4_splat(v[i]);
    const v128_t out = step4(wasm_f32x4_splat(theta[i]), wasm_f32x4_splat(g[i]), &next_v,
                             wasm_f32x4_splat(xi_theta[i]), b, ob, l, e, cc, ss, has_prior,
                             has_noise);
    v_out[i] = wasm_f32x4_extract_lane(next_v, 0);
    xi_theta[i] = wasm_f32x4_extract_lane(out, 0);
  }
}
