// The reparameterised draw of a diagonal Gaussian posterior with its single-sample KL, and
// their gradient, in one pass each over tfjs's wasm heap (Blundell et al. 2015 eq. 2;
// Fortunato et al. 2017 §3). Per element j, with ε_j drawn here (normal.h's block streams):
//
//   σ    = softplus(ρ) + floor
//   θ    = μ + σ ε
//   kl_j = −log σ − ε²/2 − log p(θ)                (−½ log 2π per element is added in JS)
//   log p(θ) = A − B θ² + M · softplus(D − K θ²)   (a Gaussian prior: M = 0; the scale mixture:
//                                                  A, B its wide component, D, K the narrow
//                                                  one relative to it)
//
// and backward, for the upstream dθ and the KL's upstream scalar dkl:
//
//   g  = d log p / dθ = −2θ (B + M K sigmoid(D − K θ²))
//   dμ = dθ − dkl · g
//   dρ = (dμ ε − dkl / σ) · sigmoid(ρ)
//
// The forward pass keeps ε, σ, e^{−|ρ|} (with ρ's sign) and g for the backward one, which is
// then arithmetic alone: recomputing softplus(ρ) there (an exp and a log1p per element)
// tripled its time, and g shares θ² and an exp with the kl, where the forward pass computes it
// anyway. sigmoid(ρ) is a division of e^{−|ρ|}, which the backward pass does: it waits on
// memory, where the forward pass waits on its arithmetic.
//
// σ and θ are the float32 operations of the composed tfjs ops (softplus, add; mul, add) in the
// same order, so θ is bit-identical to them; the kl sums in float64 lanes, its logarithms as
// one log of a float64 product (kl_acc says how). The noise is drawn a slice at a time, just
// before the slice is used, so it is still in the cache when it is read, and the kl is a
// second pass over the slice (kl_slice says why).
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/fdlibm.h"
#include "../../core/wasm/simd-math.h"
#include "../../core/wasm/normal.h"
#include "lanes.h"
#include "log-product.h"
#include "sampled-kl.h"

// The draw of four elements: θ, σ and e^{−|ρ|} with ρ's sign (for sigmoid(ρ): slope4) out.
typedef struct {
  v128_t theta, sigma, exp_rho;
} draw_t;

static inline draw_t draw4(v128_t mu, v128_t rho, v128_t e, v128_t floor) {
  v128_t exp_rho;
  const v128_t sigma = wasm_f32x4_add(softplus_e(rho, &exp_rho), floor);
  const draw_t d = {wasm_f32x4_add(mu, wasm_f32x4_mul(sigma, e)), sigma,
                    wasm_v128_or(exp_rho, wasm_v128_and(rho, SIGN_BIT))};
  return d;
}

// sigmoid(ρ) from draw4's signed e^{−|ρ|}: e/(1+e) where ρ's sign is set, else 1/(1+e); the
// same bits as sigmoid_from(ρ, e).
static inline v128_t slope4(v128_t signed_exp) {
  const v128_t e = wasm_v128_andnot(signed_exp, SIGN_BIT);
  const v128_t negative = wasm_i32x4_shr(signed_exp, 31);
  return wasm_f32x4_div(wasm_v128_bitselect(e, F4(1.0f), negative), wasm_f32x4_add(F4(1.0f), e));
}

// The arrays of one pass: μ and ρ in; ε (drawn beforehand), θ, σ and signed e^{−|ρ|} out.
typedef struct {
  const float *mu, *rho;
  float *eps, *theta, *sigma, *exp_rho, *dlogp;
} draw_arrays;

static inline draw_arrays offset_arrays(draw_arrays a, int by) {
  const draw_arrays b = {a.mu + by,    a.rho + by,     a.eps + by,   a.theta + by,
                         a.sigma + by, a.exp_rho + by, a.dlogp + by};
  return b;
}

// draw4 of the four elements from i, stored.
static inline void draw_at(draw_arrays a, int i, v128_t floor) {
  const draw_t d =
      draw4(wasm_v128_load(a.mu + i), wasm_v128_load(a.rho + i), wasm_v128_load(a.eps + i), floor);
  wasm_v128_store(a.theta + i, d.theta);
  wasm_v128_store(a.sigma + i, d.sigma);
  wasm_v128_store(a.exp_rho + i, d.exp_rho);
}

// θ, σ and signed e^{−|ρ|} over elements [0, n) of the arrays. Eight vectors per iteration hide
// the latency of the serial polynomial chains (an exp and a log1p each).
static inline void draw_slice(draw_arrays a, int n, v128_t floor) {
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 32; k += 4) draw_at(a, i + k, floor);
  }
  for (; i + 4 <= n; i += 4) draw_at(a, i, floor);
  if (i < n) {
    const int count = n - i;
    const draw_t d = draw4(load_tail(a.mu + i, count), load_tail(a.rho + i, count),
                           load_tail(a.eps + i, count), floor);
    store_tail(a.theta + i, d.theta, count);
    store_tail(a.sigma + i, d.sigma, count);
    store_tail(a.exp_rho + i, d.exp_rho, count);
  }
}

// The kl terms of the four elements from i; their d log p / dθ stored.
static inline __attribute__((always_inline)) kl_terms terms_at(draw_arrays a, int i, prior_t p,
                                                               int mixture) {
  v128_t g;
  const kl_terms k = kl_terms4(wasm_v128_load(a.theta + i), wasm_v128_load(a.sigma + i),
                               wasm_v128_load(a.eps + i), p, wasm_i32x4_splat(-1), mixture, &g);
  wasm_v128_store(a.dlogp + i, g);
  return k;
}

// The kl terms of elements [0, n) into acc, from the θ, σ and ε draw_slice just wrote (still in
// the cache). A second pass rather than a longer loop body: the chain ρ → σ → θ → log p is too
// long for four vectors in flight to hide, and the fused loop spilled a third of its
// instructions to the stack (10% slower). The terms of eight vectors are computed before any
// enters the accumulator, so that their chains overlap; they enter in element order, so the sum
// is the same bits. Renormalised every two vectors: each factor σ (1 + M e) lies in
// [2^-149, 2^129] (log-product.h). `mixture` is the prior's M (kl_terms4).
static inline __attribute__((always_inline)) kl_acc kl_slice(draw_arrays a, int n, prior_t p,
                                                             int mixture, kl_acc acc) {
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    const kl_terms k0 = terms_at(a, i, p, mixture), k1 = terms_at(a, i + 4, p, mixture);
    const kl_terms k2 = terms_at(a, i + 8, p, mixture), k3 = terms_at(a, i + 12, p, mixture);
    const kl_terms k4 = terms_at(a, i + 16, p, mixture), k5 = terms_at(a, i + 20, p, mixture);
    const kl_terms k6 = terms_at(a, i + 24, p, mixture), k7 = terms_at(a, i + 28, p, mixture);
    acc = renormalise(kl_add(kl_add(acc, k0), k1));
    acc = renormalise(kl_add(kl_add(acc, k2), k3));
    acc = renormalise(kl_add(kl_add(acc, k4), k5));
    acc = renormalise(kl_add(kl_add(acc, k6), k7));
  }
  for (; i + 4 <= n; i += 4) acc = renormalise(kl_add(acc, terms_at(a, i, p, mixture)));
  if (i < n) {
    const int count = n - i;
    v128_t g;
    const kl_terms k = kl_terms4(load_tail(a.theta + i, count), load_tail(a.sigma + i, count),
                                 load_tail(a.eps + i, count), p,
                                 first_lanes(wasm_i32x4_splat(-1), count), mixture, &g);
    store_tail(a.dlogp + i, g, count);
    acc = renormalise(kl_add(acc, k));
  }
  return acc;
}

// The blocks [first, end) of an n-element weight: ε drawn from the key (w0, w1), θ = μ + σε,
// σ, signed e^{−|ρ|} and, with_kl, d log p / dθ (kept for the gradient), and the returned Σ kl over
// those blocks (0 when !with_kl, and dlogp is not written).
__attribute__((export_name("gaussian_draw_kl"))) double gaussian_draw_kl(
    const float *mu, const float *rho, float *theta, float *eps, float *sigma, float *exp_rho,
    float *dlogp, int n, int w0, int w1, int first, int end, float floor,
    int with_kl, float a, float b, float d, float k, float m) {
  const draw_arrays arrays = {mu, rho, eps, theta, sigma, exp_rho, dlogp};
  const prior_t p = prior_of(a, b, d, k);
  const v128_t f = F4(floor);
  kl_acc acc = kl_acc_zero();
  double elements = 0.0;
  noise_slices slices = noise_slices_of(n, w0, w1, first, end);
  int s, count;
  while ((count = next_noise_slice(&slices, eps, &s)) > 0) {
    const draw_arrays slice = offset_arrays(arrays, s);
    draw_slice(slice, count, f);
    // Two copies of the kl pass, each with its prior's M a constant (kl_terms4).
    if (with_kl && m != 0.0f) acc = kl_slice(slice, count, p, 1, acc);
    if (with_kl && m == 0.0f) acc = kl_slice(slice, count, p, 0, acc);
    elements += count;
  }
  return with_kl ? kl_total(acc, elements, a) : 0.0;
}

// dμ and dρ of four elements, from the forward pass's σ, signed e^{−|ρ|} and g = d log p / dθ.
static inline void grad4(v128_t dtheta, v128_t g, v128_t sigma, v128_t e, v128_t exp_rho,
                         v128_t dkl, v128_t *dmu, v128_t *drho) {
  const v128_t d_mu = wasm_f32x4_sub(dtheta, wasm_f32x4_mul(dkl, g));
  const v128_t d_sigma = wasm_f32x4_sub(wasm_f32x4_mul(d_mu, e), wasm_f32x4_div(dkl, sigma));
  *dmu = d_mu;
  *drho = wasm_f32x4_mul(d_sigma, slope4(exp_rho));
}

// The arrays of the backward pass: dθ, d log p / dθ, σ, ε, signed e^{−|ρ|} in; dμ, dρ out.
typedef struct {
  const float *dtheta, *dlogp, *sigma, *eps, *exp_rho;
  float *dmu, *drho;
} grad_arrays;

// grad4 of the four elements from i, stored; g is and-ed with `keep` (zero without a kl).
static inline void grad_at(grad_arrays a, int i, v128_t dkl, v128_t keep) {
  v128_t d_mu, d_rho;
  const v128_t g = wasm_v128_and(wasm_v128_load(a.dlogp + i), keep);
  grad4(wasm_v128_load(a.dtheta + i), g, wasm_v128_load(a.sigma + i),
        wasm_v128_load(a.eps + i), wasm_v128_load(a.exp_rho + i), dkl, &d_mu, &d_rho);
  wasm_v128_store(a.dmu + i, d_mu);
  wasm_v128_store(a.drho + i, d_rho);
}

// dμ and dρ of θ and of dkl · Σ kl over [0, n). Without a kl, dlogp (unwritten) and dkl are 0.
__attribute__((export_name("gaussian_draw_kl_grad"))) void gaussian_draw_kl_grad(
    const float *dtheta, const float *dlogp, const float *sigma, const float *eps,
    const float *exp_rho, float *dmu, float *drho, int n, int with_kl, float dkl) {
  const grad_arrays arrays = {dtheta, dlogp, sigma, eps, exp_rho, dmu, drho};
  const v128_t upstream = F4(with_kl ? dkl : 0.0f);
  const v128_t keep = wasm_i32x4_splat(with_kl ? -1 : 0);
  int i = 0;
  for (; i + 16 <= n; i += 16) {  // four vectors in flight, as in draw_slice
    grad_at(arrays, i, upstream, keep);
    grad_at(arrays, i + 4, upstream, keep);
    grad_at(arrays, i + 8, upstream, keep);
    grad_at(arrays, i + 12, upstream, keep);
  }
  for (; i + 4 <= n; i += 4) grad_at(arrays, i, upstream, keep);
  if (i < n) {
    const int count = n - i;
    v128_t d_mu, d_rho;
    grad4(load_tail(dtheta + i, count), wasm_v128_and(load_tail(dlogp + i, count), keep),
          load_tail(sigma + i, count), load_tail(eps + i, count), load_tail(exp_rho + i, count),
          upstream, &d_mu, &d_rho);
    store_tail(dmu + i, d_mu, count);
    store_tail(drho + i, d_rho, count);
  }
}
