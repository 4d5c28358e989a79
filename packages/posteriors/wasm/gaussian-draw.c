// The reparameterised draw of a diagonal Gaussian posterior and its ρ-gradient, one SIMD pass
// each over tfjs's wasm heap (Blundell et al. 2015; Fortunato et al. 2017 §3):
//
//   σ  = softplus(ρ) + floor                  gaussian_sigma
//   θ  = μ + σ ε                              gaussian_theta
//   dρ = (dθ ε + dσ) · sigmoid(ρ)             gaussian_rho_grad   (dμ = dθ needs no pass)
//
// σ and θ are the float32 operations of the composed tfjs ops (softplus, add; mul, add) in the
// same order, so they are bit-identical to them; dρ matches tfjs's gradient to rounding (its
// sigmoid is XNNPACK's). Four vectors per iteration, as in simd-math.h's map_unary.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/simd-math.h"

static inline v128_t sigma4(v128_t rho, v128_t floor) {
  return wasm_f32x4_add(softplus4(rho), floor);
}

// sigma[i] = softplus(rho[i]) + floor.
__attribute__((export_name("gaussian_sigma"))) void gaussian_sigma(const float *rho,
                                                                    float *sigma, int n,
                                                                    float floor) {
  const v128_t f = F4(floor);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t a = sigma4(wasm_v128_load(rho + i), f);
    const v128_t b = sigma4(wasm_v128_load(rho + i + 4), f);
    const v128_t c = sigma4(wasm_v128_load(rho + i + 8), f);
    const v128_t d = sigma4(wasm_v128_load(rho + i + 12), f);
    wasm_v128_store(sigma + i, a);
    wasm_v128_store(sigma + i + 4, b);
    wasm_v128_store(sigma + i + 8, c);
    wasm_v128_store(sigma + i + 12, d);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(sigma + i, sigma4(wasm_v128_load(rho + i), f));
  for (; i < n; i++) sigma[i] = wasm_f32x4_extract_lane(sigma4(wasm_f32x4_splat(rho[i]), f), 0);
}

// theta[i] = mu[i] + sigma[i] * eps[i] (memory-bound: one vector at a time is enough).
__attribute__((export_name("gaussian_theta"))) void gaussian_theta(const float *mu,
                                                                    const float *sigma,
                                                                    const float *eps,
                                                                    float *theta, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t scaled = wasm_f32x4_mul(wasm_v128_load(sigma + i), wasm_v128_load(eps + i));
    wasm_v128_store(theta + i, wasm_f32x4_add(wasm_v128_load(mu + i), scaled));
  }
  for (; i < n; i++) theta[i] = mu[i] + sigma[i] * eps[i];
}

static inline v128_t rho_grad4(v128_t dtheta, v128_t dsigma, v128_t eps, v128_t rho) {
  const v128_t total = wasm_f32x4_add(wasm_f32x4_mul(dtheta, eps), dsigma);
  return wasm_f32x4_mul(total, sigmoid_from(rho, exp_neg(wasm_f32x4_abs(rho))));
}

// drho[i] = (dtheta[i] * eps[i] + dsigma[i]) * sigmoid(rho[i]).
__attribute__((export_name("gaussian_rho_grad"))) void gaussian_rho_grad(
    const float *dtheta, const float *dsigma, const float *eps, const float *rho, float *drho,
    int n) {
  int i = 0;
#define RHO_GRAD_AT(j)                                                                   \
  rho_grad4(wasm_v128_load(dtheta + i + (j)), wasm_v128_load(dsigma + i + (j)),         \
            wasm_v128_load(eps + i + (j)), wasm_v128_load(rho + i + (j)))
  for (; i + 16 <= n; i += 16) {
    const v128_t a = RHO_GRAD_AT(0), b = RHO_GRAD_AT(4), c = RHO_GRAD_AT(8), d = RHO_GRAD_AT(12);
    wasm_v128_store(drho + i, a);
    wasm_v128_store(drho + i + 4, b);
    wasm_v128_store(drho + i + 8, c);
    wasm_v128_store(drho + i + 12, d);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(drho + i, RHO_GRAD_AT(0));
#undef RHO_GRAD_AT
  for (; i < n; i++) {
    const v128_t one = rho_grad4(wasm_f32x4_splat(dtheta[i]), wasm_f32x4_splat(dsigma[i]),
                                 wasm_f32x4_splat(eps[i]), wasm_f32x4_splat(rho[i]));
    drho[i] = wasm_f32x4_extract_lane(one, 0);
  }
}
