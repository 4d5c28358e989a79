// Posterior sharpening's draw of one weight and its KL, and their gradient, in one pass each
// over tfjs's wasm heap (Fortunato et al. 2017 §4, eq. 7–9). Per element j, with ε_j drawn here
// (normal.h's block streams) and g_φ a constant (papers.md §1.4):
//
//   step = η g_φ
//   θ    = (φ − step) + σ0 ε                 the composed ops' float32 operations, in order
//   KL   = Σ_j step² / (2 σ0²)              summed in float64 lanes; the division is in JS
//
// ε is drawn a slice at a time into θ's own memory, where each lane reads it just before
// writing θ there: the noise needs no buffer of its own.
//
// and backward, for the upstream dθ and c = dKL / σ0² (dφ = dθ needs no pass):
//
//   dη = g (c η g − dθ)
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "../../core/wasm/normal.h"
#include "lanes.h"

// θ of four elements into *theta; returns their step².
static inline v128_t sharpen4(v128_t phi, v128_t eta, v128_t g, v128_t e, v128_t sigma0,
                              v128_t *theta) {
  const v128_t step = wasm_f32x4_mul(eta, g);
  *theta = wasm_f32x4_add(wasm_f32x4_sub(phi, step), wasm_f32x4_mul(e, sigma0));
  return wasm_f32x4_mul(step, step);
}

// θ over elements [0, n), reading ε from theta (where it was drawn) before overwriting it;
// returns sum + their step².
static v128_t sharpen_slice(const float *phi, const float *eta, const float *g, float *theta,
                            int n, v128_t sigma0, v128_t sum) {
  int i = 0;
  v128_t t;
  for (; i + 4 <= n; i += 4) {
    const v128_t squares = sharpen4(wasm_v128_load(phi + i), wasm_v128_load(eta + i),
                                    wasm_v128_load(g + i), wasm_v128_load(theta + i), sigma0, &t);
    wasm_v128_store(theta + i, t);
    sum = add_lanes(sum, squares);
  }
  if (i < n) {
    const int count = n - i;
    const v128_t squares = sharpen4(load_tail(phi + i, count), load_tail(eta + i, count),
                                    load_tail(g + i, count), load_tail(theta + i, count), sigma0, &t);
    store_tail(theta + i, t, count);
    sum = add_lanes(sum, squares);  // the padded lanes have η = g = 0: they add 0
  }
  return sum;
}

// The blocks [first, end) of an n-element weight: ε drawn from the key (w0, w1) and
// θ = φ − η g + σ0 ε; returns Σ (η g)² over those blocks.
__attribute__((export_name("sharpen_draw"))) double sharpen_draw(
    const float *phi, const float *eta, const float *g, float *theta, int n,
    int w0, int w1, int first, int end, float sigma0) {
  const v128_t s0 = wasm_f32x4_splat(sigma0);
  v128_t sum = wasm_f64x2_splat(0.0);
  noise_slices slices = noise_slices_of(n, w0, w1, first, end);
  int s, count;
  while ((count = next_noise_slice(&slices, theta, &s)) > 0) {
    sum = sharpen_slice(phi + s, eta + s, g + s, theta + s, count, s0, sum);
  }
  return wasm_f64x2_extract_lane(sum, 0) + wasm_f64x2_extract_lane(sum, 1);
}

static inline v128_t eta_grad4(v128_t dtheta, v128_t eta, v128_t g, v128_t c) {
  return wasm_f32x4_mul(g, wasm_f32x4_sub(wasm_f32x4_mul(c, wasm_f32x4_mul(eta, g)), dtheta));
}

// dη = g (c η g − dθ), element-wise over [0, n).
__attribute__((export_name("sharpen_grad"))) void sharpen_grad(const float *dtheta,
                                                                const float *eta, const float *g,
                                                                float *deta, int n, float c) {
  const v128_t cv = wasm_f32x4_splat(c);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    wasm_v128_store(deta + i, eta_grad4(wasm_v128_load(dtheta + i), wasm_v128_load(eta + i),
                                        wasm_v128_load(g + i), cv));
  }
  if (i < n) {
    const int count = n - i;
    store_tail(deta + i, eta_grad4(load_tail(dtheta + i, count), load_tail(eta + i, count),
                                   load_tail(g + i, count), cv), count);
  }
}
