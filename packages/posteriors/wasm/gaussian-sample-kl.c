// The single-sample KL of a diagonal Gaussian posterior, and its gradient, in one SIMD pass
// each over tfjs's wasm heap (Fortunato et al. 2017 §3; Blundell et al. 2015 eq. 2).
//
// Per element, with the draw θ = μ + σε (σ = softplus(ρ) + floor, computed by the caller):
//
//   kl_j   = −log σ − ε²/2 − log p(θ)                 (−½ log 2π per element is added in JS)
//   log p  = A − B θ² + M · softplus(D − K θ²)        (a Gaussian prior: M = 0; the scale
//                                                     mixture: A, B its wide component, D, K
//                                                     the narrow one relative to it)
//   g      = d log p / dθ = −2θ (B + M K sigmoid(D − K θ²))
//   dμ     = −dKL · g
//   dσ     = dμ ε − dKL / σ                           (tfjs chains σ back to ρ)
//
// kl sums in float64 lanes. The gradient is the one tfjs's autograd gives the composed ops of
// gaussian-weight.ts (tested against them and against finite differences).
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/simd-math.h"

typedef struct {
  v128_t a, b, d, k, m;
} prior_t;

static inline v128_t kl4(v128_t mu, v128_t sigma, v128_t eps, prior_t p) {
  const v128_t theta = wasm_f32x4_add(mu, wasm_f32x4_mul(sigma, eps));
  const v128_t t2 = wasm_f32x4_mul(theta, theta);
  const v128_t narrow = softplus4(wasm_f32x4_sub(p.d, wasm_f32x4_mul(p.k, t2)));
  const v128_t log_p =
      wasm_f32x4_add(wasm_f32x4_sub(p.a, wasm_f32x4_mul(p.b, t2)), wasm_f32x4_mul(p.m, narrow));
  const v128_t half_eps2 = wasm_f32x4_mul(wasm_f32x4_mul(eps, eps), F4(0.5f));
  return wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_neg(log4(sigma)), half_eps2), log_p);
}

static inline v128_t add_lanes(v128_t sum, v128_t x) {  // two float64 lanes += four float32
  sum = wasm_f64x2_add(sum, wasm_f64x2_promote_low_f32x4(x));
  return wasm_f64x2_add(sum, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1)));
}

// kl4 of the four elements from i.
static inline v128_t kl_at(const float *mu, const float *sigma, const float *eps, int i,
                           prior_t p) {
  return kl4(wasm_v128_load(mu + i), wasm_v128_load(sigma + i), wasm_v128_load(eps + i), p);
}

static inline prior_t prior_of(float a, float b, float d, float k, float m) {
  const prior_t p = {F4(a), F4(b), F4(d), F4(k), F4(m)};
  return p;
}

// Σ_j kl_j (without the −½ log 2π per element). mu, sigma, eps: float32 heap offsets.
__attribute__((export_name("gaussian_sample_kl"))) double gaussian_sample_kl(
    const float *mu, const float *sigma, const float *eps, int n, float a, float b, float d,
    float k, float m) {
  const prior_t p = prior_of(a, b, d, k, m);
  v128_t sum = wasm_f64x2_splat(0.0);
  int i = 0;
  // Four vectors per iteration hide the latency of the serial polynomial chains (simd-math.h's
  // map_unary); they are summed in element order, as one vector at a time would.
  for (; i + 16 <= n; i += 16) {
    const v128_t k0 = kl_at(mu, sigma, eps, i, p), k1 = kl_at(mu, sigma, eps, i + 4, p);
    const v128_t k2 = kl_at(mu, sigma, eps, i + 8, p), k3 = kl_at(mu, sigma, eps, i + 12, p);
    sum = add_lanes(add_lanes(add_lanes(add_lanes(sum, k0), k1), k2), k3);
  }
  for (; i + 4 <= n; i += 4) sum = add_lanes(sum, kl_at(mu, sigma, eps, i, p));
  double total = wasm_f64x2_extract_lane(sum, 0) + wasm_f64x2_extract_lane(sum, 1);
  for (; i < n; i++) {
    const v128_t one = kl4(wasm_f32x4_splat(mu[i]), wasm_f32x4_splat(sigma[i]),
                           wasm_f32x4_splat(eps[i]), p);
    total += wasm_f32x4_extract_lane(one, 0);
  }
  return total;
}

static inline void grad4(v128_t mu, v128_t sigma, v128_t eps, v128_t dkl, prior_t p,
                         v128_t *dmu, v128_t *dsigma) {
  const v128_t theta = wasm_f32x4_add(mu, wasm_f32x4_mul(sigma, eps));
  const v128_t z = wasm_f32x4_sub(p.d, wasm_f32x4_mul(p.k, wasm_f32x4_mul(theta, theta)));
  const v128_t s = sigmoid_from(z, exp_neg(wasm_f32x4_abs(z)));
  const v128_t slope = wasm_f32x4_add(p.b, wasm_f32x4_mul(wasm_f32x4_mul(p.m, p.k), s));
  const v128_t g = wasm_f32x4_mul(wasm_f32x4_mul(theta, slope), F4(-2.0f));
  *dmu = wasm_f32x4_neg(wasm_f32x4_mul(dkl, g));
  *dsigma = wasm_f32x4_sub(wasm_f32x4_mul(*dmu, eps), wasm_f32x4_div(dkl, sigma));
}

// grad4 of the four elements from i.
static inline void grad_at(const float *mu, const float *sigma, const float *eps, int i,
                           v128_t dkl, prior_t p, v128_t *dmu, v128_t *dsigma) {
  grad4(wasm_v128_load(mu + i), wasm_v128_load(sigma + i), wasm_v128_load(eps + i), dkl, p, dmu,
        dsigma);
}

static inline void store_pair(float *dmu_out, float *dsigma_out, int i, v128_t dmu,
                              v128_t dsigma) {
  wasm_v128_store(dmu_out + i, dmu);
  wasm_v128_store(dsigma_out + i, dsigma);
}

// dmu_out, dsigma_out: the KL's gradient times the upstream scalar dkl.
__attribute__((export_name("gaussian_sample_kl_grad"))) void gaussian_sample_kl_grad(
    const float *mu, const float *sigma, const float *eps, float *dmu_out, float *dsigma_out,
    int n, float dkl, float a, float b, float d, float k, float m) {
  const prior_t p = prior_of(a, b, d, k, m);
  const v128_t upstream = F4(dkl);
  v128_t dmu, dsigma;
  int i = 0;
  for (; i + 16 <= n; i += 16) {  // four vectors in flight, as in gaussian_sample_kl
    v128_t dmu1, dsigma1, dmu2, dsigma2, dmu3, dsigma3;
    grad_at(mu, sigma, eps, i, upstream, p, &dmu, &dsigma);
    grad_at(mu, sigma, eps, i + 4, upstream, p, &dmu1, &dsigma1);
    grad_at(mu, sigma, eps, i + 8, upstream, p, &dmu2, &dsigma2);
    grad_at(mu, sigma, eps, i + 12, upstream, p, &dmu3, &dsigma3);
    store_pair(dmu_out, dsigma_out, i, dmu, dsigma);
    store_pair(dmu_out, dsigma_out, i + 4, dmu1, dsigma1);
    store_pair(dmu_out, dsigma_out, i + 8, dmu2, dsigma2);
    store_pair(dmu_out, dsigma_out, i + 12, dmu3, dsigma3);
  }
  for (; i + 4 <= n; i += 4) {
    grad_at(mu, sigma, eps, i, upstream, p, &dmu, &dsigma);
    store_pair(dmu_out, dsigma_out, i, dmu, dsigma);
  }
  for (; i < n; i++) {
    grad4(wasm_f32x4_splat(mu[i]), wasm_f32x4_splat(sigma[i]), wasm_f32x4_splat(eps[i]),
          upstream, p, &dmu, &dsigma);
    dmu_out[i] = wasm_f32x4_extract_lane(dmu, 0);
    dsigma_out[i] = wasm_f32x4_extract_lane(dsigma, 0);
  }
}
