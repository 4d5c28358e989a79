// The ziggurat normal generator this library used until the Box–Muller one of
// packages/core/wasm/normal.h replaced it (xoshiro128** and Marsaglia & Tsang's 128-layer
// ziggurat, one number at a time), kept here only so that bench/src/experiments/
// normal-generators.ts can time the two side by side. Not part of any package.
#include "../../packages/core/wasm/fdlibm.h"
// The xoshiro128** seeding (seed_state) and its state type come from the committed generator.
#include "../../packages/core/wasm/normal.h"
#define ZIGGURAT_LAYERS 128
#define ZIGGURAT_R 3.442619855899
typedef struct {
  const double *wn;
  const double *fn;
  const int *kn;
} ziggurat_tables;

static inline ziggurat_tables tables_at(const char *tables) {
  const ziggurat_tables t = {(const double *)tables, (const double *)(tables + 1024),
                             (const int *)(tables + 2048)};
  return t;
}

// One word of xoshiro128** (xoshiro128.ts's nextInt32), one lane at a time.
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
static double ziggurat_tail(xoshiro128 *state, int hz) {
  double x, y;
  do {
    x = -fdlibm_log(1.0 - next_unit(state)) / ZIGGURAT_R;
    y = -fdlibm_log(1.0 - next_unit(state));
  } while (y + y < x * x);
  return hz > 0 ? ZIGGURAT_R + x : -ZIGGURAT_R - x;
}

// A draw whose first word missed the fast path: wedge rejection, the tail, or a retry.
static double ziggurat_slow_path(xoshiro128 *state, int hz, ziggurat_tables t) {
  for (;;) {
    const int iz = hz & (ZIGGURAT_LAYERS - 1);
    if (fast_path_accepts(hz, iz, t.kn)) return hz * t.wn[iz];
    if (iz == 0) return ziggurat_tail(state, hz);
    const double x = hz * t.wn[iz];
    const double top = t.fn[iz - 1];
    const double bottom = t.fn[iz];
    if (bottom + next_unit(state) * (top - bottom) < fdlibm_exp(-0.5 * x * x)) return x;
    hz = next_int32(state);
  }
}

// out[0..n) = the next n N(0, 1) draws of the stream, in order (the stream advances).
static inline void fill_ziggurat_normal(xoshiro128 *state, float *out, int n, ziggurat_tables t) {
  xoshiro128 s = *state;
  int i = 0;
  while (i < n) {
    // The fast path as a tight loop of its own (about 98% of draws); leave it on a miss.
    int hz = 0, iz = 0;
    for (; i < n; i++) {
      hz = next_int32(&s);
      iz = hz & (ZIGGURAT_LAYERS - 1);
      if (!fast_path_accepts(hz, iz, t.kn)) break;
      out[i] = (float)(hz * t.wn[iz]);
    }
    if (i == n) break;
    out[i++] = (float)ziggurat_slow_path(&s, hz, t);
  }
  *state = s;
}

// n numbers of the stream of the key (w0, w1) into out: one stream, no blocks.
__attribute__((export_name("fill_ziggurat"))) void fill_ziggurat(float *out, int n,
                                                                 const char *tables, int w0,
                                                                 int w1) {
  xoshiro128 state = seed_state((unsigned)w0, (unsigned)w1);
  fill_ziggurat_normal(&state, out, n, tables_at(tables));
}
