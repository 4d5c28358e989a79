// The single-sample KL of a diagonal Gaussian posterior under the built-in priors, four
// elements at a time, for gaussian-draw.c (whose header gives the formulas): each element's
// terms, their float64 accumulator, and the prior's d log p / dθ, which shares θ² and an exp
// with them. Include simd-math.h, lanes.h and log-product.h first.
#ifndef BAYESRNN_SAMPLED_KL_H
#define BAYESRNN_SAMPLED_KL_H

// A built-in prior's constants (gaussian-draw.c's header):
// log p(θ) = A − B θ² + M · softplus(D − K θ²), M being 1 for the scale mixture and 0 for a
// Gaussian (then D and K are unused), passed to kl_terms4 on its own.
typedef struct {
  v128_t a, b, d, k;
} prior_t;

static inline prior_t prior_of(float a, float b, float d, float k) {
  const prior_t p = {F4(a), F4(b), F4(d), F4(k)};
  return p;
}

// The running kl of a call, in two parts that need no logarithm per element (M is 0 or 1):
//   Σ kl_j = Σ (B θ² − ε²/2 − A − M max(x, 0)) − log Π σ_j (1 + M e^{−|x|}),  x = D − K θ²
// One log of a float64 product (log-product.h) replaces a log and a log1p per element.
typedef struct {
  v128_t sum;  // f64x2: Σ (B θ² − ε²/2 − M max(x, 0)), element by element
  log_product logs;
} kl_acc;

static inline kl_acc kl_acc_zero(void) {
  return (kl_acc){wasm_f64x2_splat(0.0), log_product_one()};
}

static inline kl_acc renormalise(kl_acc acc) {
  return (kl_acc){acc.sum, log_product_renormalise(acc.logs)};
}

// Σ kl_j of a call from its accumulator and the number of elements it saw.
static inline double kl_total(kl_acc acc, double elements, float a) {
  const double sum = wasm_f64x2_extract_lane(acc.sum, 0) + wasm_f64x2_extract_lane(acc.sum, 1);
  return sum - log_product_value(acc.logs) - elements * (double)a;
}

// d log p / dθ of four elements from θ, x = D − K θ² and e = exp(−|x|): −2θ (B + K sigmoid(x))
// for the scale mixture (M = 1).
static inline v128_t mixture_grad4(v128_t t, v128_t x, v128_t e, prior_t p) {
  const v128_t prior_slope = wasm_f32x4_add(p.b, wasm_f32x4_mul(p.k, sigmoid_from(x, e)));
  return wasm_f32x4_mul(wasm_f32x4_mul(t, prior_slope), F4(-2.0f));
}

// Four elements' terms of the kl, before they enter an accumulator.
typedef struct {
  v128_t terms, s, f;
} kl_terms;

// Four elements' kl terms from their θ, σ and ε; lanes where `live` is 0 add nothing (the 1–3
// element tail). *g receives d log p / dθ, which the gradient needs and which shares θ² and the
// exp with the kl. `mixture` is M, a constant at each call so that the compiler drops the
// other prior's work: a Gaussian prior needs no exp (M = 0 terms are the same bits either way).
static inline __attribute__((always_inline)) kl_terms kl_terms4(v128_t t, v128_t sigma,
                                                                v128_t e, prior_t p, v128_t live,
                                                                int mixture, v128_t *g) {
  const v128_t t2 = wasm_f32x4_mul(t, t);
  v128_t terms =
      wasm_f32x4_sub(wasm_f32x4_mul(p.b, t2), wasm_f32x4_mul(wasm_f32x4_mul(e, e), F4(0.5f)));
  v128_t factor = F4(1.0f);
  if (mixture) {
    const v128_t x = wasm_f32x4_sub(p.d, wasm_f32x4_mul(p.k, t2));
    const v128_t ex = exp_neg_abs(x);
    *g = mixture_grad4(t, x, ex, p);
    factor = wasm_f32x4_add(F4(1.0f), ex);
    terms = wasm_f32x4_sub(terms, wasm_f32x4_pmax(x, F4(0.0f)));
  } else {
    *g = wasm_f32x4_mul(wasm_f32x4_mul(t, p.b), F4(-2.0f));
  }
  const kl_terms k = {wasm_v128_and(terms, live), wasm_v128_bitselect(sigma, F4(1.0f), live),
                      wasm_v128_bitselect(factor, F4(1.0f), live)};
  return k;
}

// The terms into the accumulator (not renormalised).
static inline kl_acc kl_add(kl_acc acc, kl_terms k) {
  const kl_acc next = {add_lanes(acc.sum, k.terms), log_product_mul4(acc.logs, k.s, k.f)};
  return next;
}

#endif
