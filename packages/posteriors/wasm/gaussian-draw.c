// The reparameterised draw of a diagonal Gaussian posterior with its single-sample KL, and
// their gradient, in one pass each over tfjs's wasm heap (Blundell et al. 2015 eq. 2;
// Fortunato et al. 2017 §3). Per element j, with ε_j drawn here (ziggurat.h's block streams):
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
// The forward pass keeps ε, σ and sigmoid(ρ) for the backward one: recomputing softplus(ρ)
// there (an exp and a log1p per element) tripled its time.
//
// σ and θ are the float32 operations of the composed tfjs ops (softplus, add; mul, add) in the
// same order, so θ is bit-identical to them; kl sums in float64 lanes. The noise is drawn a
// slice at a time, just before the slice is used, so it is still in the cache when it is read,
// and the kl is a second pass over the slice (kl_slice says why).
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/fdlibm.h"
#include "../../core/wasm/simd-math.h"
#include "../../core/wasm/ziggurat.h"
#include "lanes.h"

typedef struct {
  v128_t a, b, d, k, m;
} prior_t;

static inline prior_t prior_of(float a, float b, float d, float k, float m) {
  const prior_t p = {F4(a), F4(b), F4(d), F4(k), F4(m)};
  return p;
}

// The draw of four elements: θ, σ and sigmoid(ρ) out.
typedef struct {
  v128_t theta, sigma, slope;
} draw_t;

static inline draw_t draw4(v128_t mu, v128_t rho, v128_t e, v128_t floor) {
  v128_t exp_rho;
  const v128_t sigma = wasm_f32x4_add(softplus_e(rho, &exp_rho), floor);
  const draw_t d = {wasm_f32x4_add(mu, wasm_f32x4_mul(sigma, e)), sigma,
                    sigmoid_from(rho, exp_rho)};
  return d;
}

// The kl of four elements from their θ, σ and ε.
static inline v128_t kl4(v128_t t, v128_t sigma, v128_t e, prior_t p) {
  const v128_t t2 = wasm_f32x4_mul(t, t);
  const v128_t narrow = softplus4(wasm_f32x4_sub(p.d, wasm_f32x4_mul(p.k, t2)));
  const v128_t log_p =
      wasm_f32x4_add(wasm_f32x4_sub(p.a, wasm_f32x4_mul(p.b, t2)), wasm_f32x4_mul(p.m, narrow));
  const v128_t half_e2 = wasm_f32x4_mul(wasm_f32x4_mul(e, e), F4(0.5f));
  return wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_neg(log4(sigma)), half_e2), log_p);
}

// The arrays of one pass: μ and ρ in; ε (drawn beforehand), θ, σ and sigmoid(ρ) out.
typedef struct {
  const float *mu, *rho;
  float *eps, *theta, *sigma, *slope;
} draw_arrays;

static inline draw_arrays offset_arrays(draw_arrays a, int by) {
  const draw_arrays b = {a.mu + by,    a.rho + by,   a.eps + by,
                         a.theta + by, a.sigma + by, a.slope + by};
  return b;
}

// draw4 of the four elements from i, stored.
static inline void draw_at(draw_arrays a, int i, v128_t floor) {
  const draw_t d =
      draw4(wasm_v128_load(a.mu + i), wasm_v128_load(a.rho + i), wasm_v128_load(a.eps + i), floor);
  wasm_v128_store(a.theta + i, d.theta);
  wasm_v128_store(a.sigma + i, d.sigma);
  wasm_v128_store(a.slope + i, d.slope);
}

// θ, σ and sigmoid(ρ) over elements [0, n) of the arrays. Four vectors per iteration hide the
// latency of the serial polynomial chains.
static inline void draw_slice(draw_arrays a, int n, v128_t floor) {
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    draw_at(a, i, floor);
    draw_at(a, i + 4, floor);
    draw_at(a, i + 8, floor);
    draw_at(a, i + 12, floor);
  }
  for (; i + 4 <= n; i += 4) draw_at(a, i, floor);
  if (i < n) {
    const int count = n - i;
    const draw_t d = draw4(load_tail(a.mu + i, count), load_tail(a.rho + i, count),
                           load_tail(a.eps + i, count), floor);
    store_tail(a.theta + i, d.theta, count);
    store_tail(a.sigma + i, d.sigma, count);
    store_tail(a.slope + i, d.slope, count);
  }
}

static inline v128_t kl_at(draw_arrays a, int i, prior_t p) {
  return kl4(wasm_v128_load(a.theta + i), wasm_v128_load(a.sigma + i),
             wasm_v128_load(a.eps + i), p);
}

// sum + the kl of elements [0, n), from the θ, σ and ε draw_slice just wrote (still in the
// cache). A second pass rather than a longer loop body: the chain ρ → σ → θ → log p is too
// long for four vectors in flight to hide, and the fused loop spilled a third of its
// instructions to the stack (10% slower). Summed in element order in float64 lanes.
static inline v128_t kl_slice(draw_arrays a, int n, prior_t p, v128_t sum) {
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t k0 = kl_at(a, i, p);
    const v128_t k1 = kl_at(a, i + 4, p);
    const v128_t k2 = kl_at(a, i + 8, p);
    const v128_t k3 = kl_at(a, i + 12, p);
    sum = add_lanes(add_lanes(add_lanes(add_lanes(sum, k0), k1), k2), k3);
  }
  for (; i + 4 <= n; i += 4) sum = add_lanes(sum, kl_at(a, i, p));
  if (i < n) {
    const int count = n - i;
    const v128_t kl = kl4(load_tail(a.theta + i, count), load_tail(a.sigma + i, count),
                          load_tail(a.eps + i, count), p);
    sum = add_lanes(sum, first_lanes(kl, count));
  }
  return sum;
}

// The blocks [first, end) of an n-element weight: ε drawn from the key (w0, w1), θ = μ + σε,
// σ and sigmoid(ρ) (kept for the gradient), and the returned Σ kl over those blocks (0 when
// !with_kl).
__attribute__((export_name("gaussian_draw_kl"))) double gaussian_draw_kl(
    const float *mu, const float *rho, float *theta, float *eps, float *sigma, float *slope,
    int n, const char *tables, int w0, int w1, int first, int end, float floor, int with_kl,
    float a, float b, float d, float k, float m) {
  const draw_arrays arrays = {mu, rho, eps, theta, sigma, slope};
  const prior_t p = prior_of(a, b, d, k, m);
  const v128_t f = F4(floor);
  v128_t sum = wasm_f64x2_splat(0.0);
  noise_slices slices = noise_slices_of(n, tables, w0, w1, first, end);
  int s, count;
  while ((count = next_noise_slice(&slices, eps, &s)) > 0) {
    const draw_arrays slice = offset_arrays(arrays, s);
    draw_slice(slice, count, f);
    if (with_kl) sum = kl_slice(slice, count, p, sum);
  }
  return wasm_f64x2_extract_lane(sum, 0) + wasm_f64x2_extract_lane(sum, 1);
}

// dμ and dρ of four elements, from the forward pass's σ and sigmoid(ρ).
static inline void grad4(v128_t dtheta, v128_t mu, v128_t sigma, v128_t e, v128_t slope,
                         v128_t dkl, prior_t p, v128_t *dmu, v128_t *drho) {
  const v128_t t = wasm_f32x4_add(mu, wasm_f32x4_mul(sigma, e));
  const v128_t z = wasm_f32x4_sub(p.d, wasm_f32x4_mul(p.k, wasm_f32x4_mul(t, t)));
  const v128_t s = sigmoid_from(z, exp_neg(wasm_f32x4_abs(z)));
  const v128_t prior_slope = wasm_f32x4_add(p.b, wasm_f32x4_mul(wasm_f32x4_mul(p.m, p.k), s));
  const v128_t g = wasm_f32x4_mul(wasm_f32x4_mul(t, prior_slope), F4(-2.0f));
  const v128_t d_mu = wasm_f32x4_sub(dtheta, wasm_f32x4_mul(dkl, g));
  const v128_t d_sigma = wasm_f32x4_sub(wasm_f32x4_mul(d_mu, e), wasm_f32x4_div(dkl, sigma));
  *dmu = d_mu;
  *drho = wasm_f32x4_mul(d_sigma, slope);
}

// The arrays of the backward pass: dθ, μ, σ, ε, sigmoid(ρ) in; dμ, dρ out.
typedef struct {
  const float *dtheta, *mu, *sigma, *eps, *slope;
  float *dmu, *drho;
} grad_arrays;

// grad4 of the four elements from i, stored.
static inline void grad_at(grad_arrays a, int i, v128_t dkl, prior_t p) {
  v128_t d_mu, d_rho;
  grad4(wasm_v128_load(a.dtheta + i), wasm_v128_load(a.mu + i), wasm_v128_load(a.sigma + i),
        wasm_v128_load(a.eps + i), wasm_v128_load(a.slope + i), dkl, p, &d_mu, &d_rho);
  wasm_v128_store(a.dmu + i, d_mu);
  wasm_v128_store(a.drho + i, d_rho);
}

// dμ and dρ of θ and of dkl · Σ kl, element-wise over [0, n).
__attribute__((export_name("gaussian_draw_kl_grad"))) void gaussian_draw_kl_grad(
    const float *dtheta, const float *mu, const float *sigma, const float *eps,
    const float *slope, float *dmu, float *drho, int n, float dkl, float a, float b, float d,
    float k, float m) {
  const grad_arrays arrays = {dtheta, mu, sigma, eps, slope, dmu, drho};
  const prior_t p = prior_of(a, b, d, k, m);
  const v128_t upstream = F4(dkl);
  int i = 0;
  for (; i + 16 <= n; i += 16) {  // four vectors in flight, as in draw_slice
    grad_at(arrays, i, upstream, p);
    grad_at(arrays, i + 4, upstream, p);
    grad_at(arrays, i + 8, upstream, p);
    grad_at(arrays, i + 12, upstream, p);
  }
  for (; i + 4 <= n; i += 4) grad_at(arrays, i, upstream, p);
  if (i < n) {
    const int count = n - i;
    v128_t d_mu, d_rho;
    grad4(load_tail(dtheta + i, count), load_tail(mu + i, count), load_tail(sigma + i, count),
          load_tail(eps + i, count), load_tail(slope + i, count), upstream, p, &d_mu, &d_rho);
    store_tail(dmu + i, d_mu, count);
    store_tail(drho + i, d_rho, count);
  }
}
