// An experiment, not a kernel (bench/src/experiments/ziggurat-variants.ts builds and times
// it): pSGLD's noisy step with its normals drawn four at a time beside the step that uses
// them, instead of a slice ahead of it, so that the generator's integer work could run beside
// the step's floating-point work and the noise would never be stored and read back. The same
// numbers bit for bit: four draws that leave the fast path are redrawn by fill_normal.
#include "../../packages/samplers/wasm/psgld-step.c"

// One draw by the fast path alone: 1 and *x when it takes it, 0 when it would leave it.
static inline int fast_normal(xoshiro128 *s, ziggurat_tables t, float *x) {
  const int hz = next_int32(s);
  const int iz = hz & (ZIGGURAT_LAYERS - 1);
  if (!fast_path_accepts(hz, iz, t.kn)) return 0;
  *x = (float)(hz * t.wn[iz]);
  return 1;
}

// The stream's next four draws when all four take the fast path: 1, the draws in *out and the
// stream advanced past them; otherwise 0 and the stream unmoved.
static inline int fast_normal4(xoshiro128 *state, ziggurat_tables t, v128_t *out) {
  xoshiro128 s = *state;
  float x0, x1, x2, x3;
  if (!fast_normal(&s, t, &x0) || !fast_normal(&s, t, &x1) || !fast_normal(&s, t, &x2) ||
      !fast_normal(&s, t, &x3)) {
    return 0;
  }
  *out = wasm_f32x4_make(x0, x1, x2, x3);
  *state = s;
  return 1;
}

// step4 of the four elements from i with their noise xi, stored.
static inline void step_at(const float *theta, const float *g, const float *v, float *theta_out,
                           float *v_out, int i, v128_t xi, psgld_t p) {
  v128_t next_v = wasm_v128_load(v + i);
  const v128_t out = step4(wasm_v128_load(theta + i), wasm_v128_load(g + i), &next_v, xi, p);
  wasm_v128_store(v_out + i, next_v);
  wasm_v128_store(theta_out + i, out);
}

// psgld_noisy_step's arguments and numbers, a block at a time with the noise beside the step.
__attribute__((export_name("psgld_noisy_step_interleaved"))) void psgld_noisy_step_interleaved(
    const float *theta, const float *g, const float *v, float *theta_out, float *v_out, int n,
    const char *tables, int w0, int w1, int first, int end, float beta, float one_minus_beta,
    float lambda, float eta, float c, float s, float gradient_scale) {
  const psgld_t p = psgld_of(beta, one_minus_beta, lambda, eta, c, s, gradient_scale);
  const ziggurat_tables t = tables_at(tables);
  for (int b = first; b < end && b * NORMAL_BLOCK < n; b++) {
    xoshiro128 stream = block_stream(w0, w1, b);
    const int start = b * NORMAL_BLOCK;
    const int stop = n - start < NORMAL_BLOCK ? n : start + NORMAL_BLOCK;
    int i = start;
    while (i + 4 <= stop) {
      v128_t xi;
      if (fast_normal4(&stream, t, &xi)) {
        step_at(theta, g, v, theta_out, v_out, i, xi, p);
      } else {
        fill_normal(&stream, theta_out + i, 4, t);
        step_at(theta, g, v, theta_out, v_out, i, wasm_v128_load(theta_out + i), p);
      }
      i += 4;
    }
    fill_normal(&stream, theta_out + i, stop - i, t);
    step_range(theta + i, g + i, v + i, theta_out + i, v_out + i, stop - i, p);
  }
}
