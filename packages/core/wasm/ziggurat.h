// Standard normal draws in C: xoshiro128** and Marsaglia & Tsang's 128-layer ziggurat, the same
// algorithm step for step as random/ziggurat.ts (its comments explain it), so a key gives the
// same float32s bit for bit; and the block streams of random/normal-blocks.ts, so that a long
// array can be drawn by several threads at once and fused into the kernels that use the noise.
//
// Exactness rests on three things: the generator is integer arithmetic; the fast path's
// `hz * wn[iz]` is one double product, rounded to float32 as a Float32Array store rounds it;
// and the rare slow path calls fdlibm's exp and log, which are V8's Math.exp and Math.log.
//
// Include "fdlibm.h" first (kernelSourceSha256 hashes only the headers a source includes
// itself). The layer tables (built in JavaScript, the doubles ziggurat.ts uses) are passed in
// the heap:
//   tables + 0     wn[128]  double   layer widths / 2^31
//   tables + 1024  fn[128]  double   exp(−x²/2) at the layer edges
//   tables + 2048  kn[128]  int32    fast-path thresholds
#ifndef BAYESRNN_ZIGGURAT_H
#define BAYESRNN_ZIGGURAT_H

#define ZIGGURAT_LAYERS 128
#define ZIGGURAT_R 3.442619855899
// Elements per block stream: NORMAL_BLOCK in random/normal-blocks.ts.
#define NORMAL_BLOCK 65536

typedef struct {
  unsigned s0, s1, s2, s3;
} xoshiro128;

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

static inline unsigned fmix32(unsigned h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

// rng-key.ts's mixWords: one word of a derived key.
static inline unsigned mix_words(unsigned w0, unsigned w1, unsigned datum, unsigned lane) {
  unsigned h = fmix32(w0 ^ ((lane + 1u) * 0x9e3779b9u));
  h = fmix32(h ^ w1);
  h = fmix32(h ^ (datum * 0x27d4eb2fu));
  return fmix32(h + lane);
}

// xoshiro128.ts's seedState: the key's 64 bits expanded into four state words, never all zero.
static inline xoshiro128 seed_state(unsigned w0, unsigned w1) {
  unsigned words[4];
  unsigned h = w0 ^ 0x9e3779b9u;
  for (int i = 0; i < 4; i++) {
    h = h + 0x9e3779b9u + (i % 2 == 0 ? w1 : w0);
    words[i] = fmix32(h);
  }
  if ((words[0] | words[1] | words[2] | words[3]) == 0) words[0] = 1;
  const xoshiro128 state = {words[0], words[1], words[2], words[3]};
  return state;
}

// The stream of block b of the key (w0, w1): the key's own for block 0, else blockKey's.
static inline xoshiro128 block_stream(unsigned w0, unsigned w1, unsigned b) {
  if (b == 0) return seed_state(w0, w1);
  return seed_state(mix_words(w0, w1, b, 6), mix_words(w0, w1, b, 7));
}

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
static inline void fill_normal(xoshiro128 *state, float *out, int n, ziggurat_tables t) {
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

// Noise drawn ahead of its use, a slice at a time: 8 KiB, inside the L1 cache with the slices
// of the arrays a kernel reads beside it.
#define NOISE_SLICE 2048

// A walk over the blocks [first, end) of an n-element array of noise drawn from the key
// (w0, w1): block b holds elements [b·NORMAL_BLOCK, min(n, (b + 1)·NORMAL_BLOCK)), each from
// its own stream, and is drawn NOISE_SLICE elements at a time by next_noise_slice.
typedef struct {
  xoshiro128 state;
  ziggurat_tables tables;
  unsigned w0, w1;
  int n, block, end, next, stop;
} noise_slices;

static inline noise_slices noise_slices_of(int n, const char *tables, int w0, int w1, int first,
                                           int end) {
  // block starts before first: the first next_noise_slice call moves to it and seeds it.
  const noise_slices c = {.tables = tables_at(tables), .w0 = (unsigned)w0, .w1 = (unsigned)w1,
                          .n = n, .block = first - 1, .end = end};
  return c;
}

// Draws the next slice of noise into eps (the array's element 0) and sets *start to where it
// begins; returns its length, 0 once the blocks are done.
static inline int next_noise_slice(noise_slices *c, float *eps, int *start) {
  if (c->next >= c->stop) {
    c->block++;
    c->next = c->block * NORMAL_BLOCK;
    if (c->block >= c->end || c->next >= c->n) return 0;
    c->stop = c->n - c->next < NORMAL_BLOCK ? c->n : c->next + NORMAL_BLOCK;
    c->state = block_stream(c->w0, c->w1, (unsigned)c->block);
  }
  const int count = c->stop - c->next < NOISE_SLICE ? c->stop - c->next : NOISE_SLICE;
  fill_normal(&c->state, eps + c->next, count, c->tables);
  *start = c->next;
  c->next += count;
  return count;
}

#endif
