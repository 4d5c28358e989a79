// Standard normal draws for tfjs's wasm heap: xoshiro128** and Marsaglia & Tsang's 128-layer
// ziggurat, the same algorithm step for step as random/ziggurat.ts (its comments explain it),
// so the same key gives the same float32s bit for bit. About 3x faster than the JavaScript:
// Bayes by Backprop and pSGLD draw one number per weight every step (4.6M on PTB-small).
//
// Exactness rests on three things: the generator is integer arithmetic; the fast path's
// `hz * wn[iz]` is one double product, rounded to float32 as a Float32Array store rounds it;
// and the rare slow path calls fdlibm's exp and log, which are V8's Math.exp and Math.log.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory. The layer tables
// (built in JavaScript, the same doubles ziggurat.ts uses) are passed in the heap:
//   tables + 0     wn[128]  double   layer widths / 2^31
//   tables + 1024  fn[128]  double   exp(−x²/2) at the layer edges
//   tables + 2048  kn[128]  int32    fast-path thresholds
// Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "fdlibm.h"

#define LAYERS 128
#define ZIGGURAT_R 3.442619855899

typedef struct {
  unsigned s0, s1, s2, s3;
} xoshiro128;

static inline int next_int32(xoshiro128 *state) {
  const unsigned product = state->s1 * 5u;
  const unsigned word = ((product << 7) | (product >> 25)) * 9u;
  const unsigned t = state->s1 << 9;
  state->s2 ^= state->s0;
  state->s3 ^= state->s1;
  state->s1 ^= state->s2;
  state->s0 ^= state->s3;
  state->s2 ^= t;
  state->s3 = (state->s3 << 11) | (state->s3 >> 21);
  return (int)word;
}

// (word >>> 8) * 2^-24: a uniform double in [0, 1) with 24 random bits.
static inline double next_unit(xoshiro128 *state) {
  return (double)((unsigned)next_int32(state) >> 8) * 0x1p-24;
}

// |hz| < kn[iz], with |−2^31| = 2^31 as in JavaScript (kn holds non-negative int32s).
static inline int fast_path_accepts(int hz, int iz, const int *kn) {
  const unsigned magnitude = hz < 0 ? 0u - (unsigned)hz : (unsigned)hz;
  return magnitude < (unsigned)kn[iz];
}

// The tail |x| > R by Marsaglia's exponential method; the sign comes from hz.
static double tail(xoshiro128 *state, int hz) {
  double x, y;
  do {
    x = -fdlibm_log(1.0 - next_unit(state)) / ZIGGURAT_R;
    y = -fdlibm_log(1.0 - next_unit(state));
  } while (y + y < x * x);
  return hz > 0 ? ZIGGURAT_R + x : -ZIGGURAT_R - x;
}

// A draw whose first word missed the fast path: wedge rejection, the tail, or a retry.
static double slow_path(xoshiro128 *state, int hz, const double *wn, const double *fn,
                        const int *kn) {
  for (;;) {
    const int iz = hz & (LAYERS - 1);
    if (fast_path_accepts(hz, iz, kn)) return hz * wn[iz];
    if (iz == 0) return tail(state, hz);
    const double x = hz * wn[iz];
    const double top = fn[iz - 1];
    const double bottom = fn[iz];
    if (bottom + next_unit(state) * (top - bottom) < fdlibm_exp(-0.5 * x * x)) return x;
    hz = next_int32(state);
  }
}

// out[0..n) = the N(0, 1) draws of the xoshiro128** state (s0, s1, s2, s3), in order.
__attribute__((export_name("fill_standard_normal"))) void fill_standard_normal(
    float *out, int n, const char *tables, int s0, int s1, int s2, int s3) {
  const double *wn = (const double *)tables;
  const double *fn = (const double *)(tables + 1024);
  const int *kn = (const int *)(tables + 2048);
  xoshiro128 state = {(unsigned)s0, (unsigned)s1, (unsigned)s2, (unsigned)s3};
  int i = 0;
  while (i < n) {
    // The fast path as a tight loop of its own (about 98% of draws); leave it on a miss.
    int hz = 0, iz = 0;
    for (; i < n; i++) {
      hz = next_int32(&state);
      iz = hz & (LAYERS - 1);
      if (!fast_path_accepts(hz, iz, kn)) break;
      out[i] = (float)(hz * wn[iz]);
    }
    if (i == n) break;
    out[i++] = (float)slow_path(&state, hz, wn, fn, kn);
  }
}

// The two fdlibm functions, exported for the test that compares them with Math.exp/Math.log.
__attribute__((export_name("exp_f64"))) double exp_f64(double x) { return fdlibm_exp(x); }
__attribute__((export_name("log_f64"))) double log_f64(double x) { return fdlibm_log(x); }
