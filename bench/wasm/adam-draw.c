// A prototype, not part of any package: Adam's step on a Bayesian weight's μ and ρ and the
// next step's draw from the new μ and ρ, fused into one pass. bench/src/experiments/
// adam-draw.ts times it against the committed kernels, which it also compiles here
// (adam_step twice, then gaussian_draw_kl), to measure what the fusion could save.
//
// Why it might save time: Adam waits on memory (it reads θ, g, m and v and writes θ', m' and v'
// with little arithmetic between), and the draw waits on its arithmetic (an exp and a log1p
// per element, and the KL's terms). In one loop, the out-of-order core might overlap one
// element's loads with another's arithmetic, and μ' and ρ' go from Adam to the draw through the
// L1 cache instead of main memory.
//
// The same float32 operations in the same order as the two kernels, so the outputs are the same
// bits (the experiment checks this).
#include "../../packages/posteriors/wasm/gaussian-draw.c"
#include "../../packages/train/wasm/adam-step.c"

// The fused pass's arrays, as offsets in a table the caller writes (so that the export takes a
// handful of arguments): the inputs μ, ρ, their gradients and moments; the outputs μ', ρ',
// their moments; and the draw's θ, ε, σ, signed e^{−|ρ|} and d log p / dθ.
enum {
  MU, RHO, GRAD_MU, GRAD_RHO, M_MU, V_MU, M_RHO, V_RHO,
  MU_OUT, RHO_OUT, M_MU_OUT, V_MU_OUT, M_RHO_OUT, V_RHO_OUT,
  THETA, EPS, SIGMA, EXP_RHO, DLOGP, ARRAYS
};

// Adam on four elements of μ and of ρ, stored (the SLICE_THEN_DRAW variant's first half).
static inline void adam_at(float *const *p, int i, adam_t a) {
  v128_t m_mu = wasm_v128_load(p[M_MU] + i), v_mu = wasm_v128_load(p[V_MU] + i);
  v128_t m_rho = wasm_v128_load(p[M_RHO] + i), v_rho = wasm_v128_load(p[V_RHO] + i);
  const v128_t mu = step4(wasm_v128_load(p[MU] + i), wasm_v128_load(p[GRAD_MU] + i), &m_mu,
                          &v_mu, a);
  const v128_t rho = step4(wasm_v128_load(p[RHO] + i), wasm_v128_load(p[GRAD_RHO] + i), &m_rho,
                           &v_rho, a);
  wasm_v128_store(p[MU_OUT] + i, mu);
  wasm_v128_store(p[M_MU_OUT] + i, m_mu);
  wasm_v128_store(p[V_MU_OUT] + i, v_mu);
  wasm_v128_store(p[RHO_OUT] + i, rho);
  wasm_v128_store(p[M_RHO_OUT] + i, m_rho);
  wasm_v128_store(p[V_RHO_OUT] + i, v_rho);
}

// Adam on four elements of μ and of ρ, then their draw from μ' and ρ' (read back from the
// stores just made, which the engine forwards from the store buffer), stored.
static inline void adam_draw_at(float *const *p, int i, adam_t a, v128_t floor) {
  adam_at(p, i, a);
  const draw_t d = draw4(wasm_v128_load(p[MU_OUT] + i), wasm_v128_load(p[RHO_OUT] + i),
                         wasm_v128_load(p[EPS] + i), floor);
  wasm_v128_store(p[THETA] + i, d.theta);
  wasm_v128_store(p[SIGMA] + i, d.sigma);
  wasm_v128_store(p[EXP_RHO] + i, d.exp_rho);
}

// Adam's step on μ and ρ (n elements, n a multiple of 4) and the draw with its KL under the
// scale mixture from the stepped μ and ρ, a noise slice at a time; returns Σ kl as
// gaussian_draw_kl does. `table` holds the ARRAYS offsets. Built plain, each slice's elements
// go through Adam and the draw one vector at a time; built with SLICE_THEN_DRAW, the slice
// goes through Adam, then through the committed draw_slice (eight vectors in flight), which
// reads μ' and ρ' from the L1 cache.
__attribute__((export_name("adam_draw"))) double adam_draw(
    const int *table, int n, int w0, int w1, int first, int end, float floor, float pa, float pb,
    float pd, float pk, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
    float correction1, float correction2, float learning_rate, float epsilon) {
  float *const *p = (float *const *)table;
  const adam_t a = {F4(beta1),       F4(one_minus_beta1), F4(beta2),         F4(one_minus_beta2),
                    F4(correction1), F4(correction2),     F4(learning_rate), F4(epsilon),
                    F4(1.0f)};
  const draw_arrays arrays = {p[MU_OUT], p[RHO_OUT], p[EPS], p[THETA],
                              p[SIGMA],  p[EXP_RHO], p[DLOGP]};
  const prior_t prior = prior_of(pa, pb, pd, pk);
  const v128_t f = F4(floor);
  kl_acc acc = kl_acc_zero();
  double elements = 0.0;
  noise_slices slices = noise_slices_of(n, w0, w1, first, end);
  int s, count;
  while ((count = next_noise_slice(&slices, p[EPS], &s)) > 0) {
#ifdef SLICE_THEN_DRAW
    for (int i = s; i < s + count; i += 4) adam_at(p, i, a);
    draw_slice(offset_arrays(arrays, s), count, f);
#else
    for (int i = s; i < s + count; i += 4) adam_draw_at(p, i, a, f);
#endif
    acc = kl_slice(offset_arrays(arrays, s), count, prior, 1, acc);
    elements += count;
  }
  return kl_total(acc, elements, pa);
}
