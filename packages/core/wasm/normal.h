// Standard normal draws in C: xoshiro128** in eight SIMD lanes and the Box–Muller transform in
// float32, the same operations in the same order as random/box-muller.ts, so that a key gives
// the same float32s bit for bit; and the block streams of random/normal-blocks.ts, so that a
// long array can be drawn by several threads at once and fused into the kernels that use it.
//
// Why Box–Muller and not the ziggurat this library used before: a ziggurat draw needs two table
// lookups, which WebAssembly SIMD can only do lane by lane, so the ziggurat ran one number at a
// time (3.4 ns a number on the 2-core Intel machine). Box–Muller is branch-free arithmetic on
// whole vectors: 2.0 ns a number there (bench/src/experiments/normal-generators.ts).
//
// Each number is exact float32 arithmetic: integer steps, int-to-float conversions, and
// float32 additions, multiplications and a square root, each rounded once (no fused
// multiply-add: build without relaxed SIMD), which JavaScript reproduces with Math.fround.
// Per pair of 32-bit words (w1, w2) of one lane:
//   u  = ((w1 >>> 1) | 1) · 2^-31                 in [2^-31, 1]: no log of 0
//   r  = √(−2 log u)                              at most 6.56: the tail beyond has mass 5e-11
//   m  = w2 >>> 8, q = (m + 2^21) >>> 22          the quadrant of the angle 2π m / 2^24
//   x  = (m − q·2^22) · (π/2) · 2^-22              the angle within its quadrant, |x| <= π/4
//   (cos, sin)(2π m / 2^24) from Cephes' cosf and sinf polynomials of x, by quadrant
//   z1 = r cos, z2 = r sin
//
// A block's stream: eight xoshiro128** lanes, lane l seeded from laneKey(blockKey(key, b), l).
// Every 16 numbers are one step of all lanes, each lane drawing two words: lanes 0-3 give
// numbers 0-3 (their z1) and 4-7 (their z2), lanes 4-7 numbers 8-11 and 12-15.
#ifndef BAYESRNN_NORMAL_H
#define BAYESRNN_NORMAL_H
#include "simd-math.h"

// Elements per block stream: NORMAL_BLOCK in random/normal-blocks.ts.
#define NORMAL_BLOCK 16384
// Numbers per step of the eight lanes.
#define NORMAL_GROUP 16

// Every function here is inlined into its caller: a call would pass the 256 bytes of lane
// state through memory, and these modules own no stack.
#define NORMAL_INLINE static inline __attribute__((always_inline))

// Four xoshiro128** streams, one per lane.
typedef struct {
  v128_t s0, s1, s2, s3;
} xoshiro128x4;

// The eight lanes of a block stream.
typedef struct {
  xoshiro128x4 low, high;
} normal_lanes;

NORMAL_INLINE unsigned fmix32(unsigned h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

// rng-key.ts's mixWords: one word of a derived key.
NORMAL_INLINE unsigned mix_words(unsigned w0, unsigned w1, unsigned datum, unsigned lane) {
  unsigned h = fmix32(w0 ^ ((lane + 1u) * 0x9e3779b9u));
  h = fmix32(h ^ w1);
  h = fmix32(h ^ (datum * 0x27d4eb2fu));
  return fmix32(h + lane);
}

// One xoshiro128** stream, as a lane's seed.
typedef struct {
  unsigned s0, s1, s2, s3;
} xoshiro128;

// xoshiro128.ts's seedState: the key's 64 bits expanded into four state words, never all zero.
NORMAL_INLINE xoshiro128 seed_state(unsigned w0, unsigned w1) {
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

// rng-key.ts's laneKey(key, lane), seeded: the stream of one lane.
NORMAL_INLINE xoshiro128 lane_state(unsigned k0, unsigned k1, unsigned lane) {
  return seed_state(mix_words(k0, k1, lane, 8), mix_words(k0, k1, lane, 9));
}

// Four lanes' streams, lane i from its own key's lane `first + i`.
NORMAL_INLINE xoshiro128x4 four_lanes(unsigned k0, unsigned k1, unsigned first) {
  const xoshiro128 a = lane_state(k0, k1, first), b = lane_state(k0, k1, first + 1);
  const xoshiro128 c = lane_state(k0, k1, first + 2), d = lane_state(k0, k1, first + 3);
  const xoshiro128x4 x = {wasm_u32x4_make(a.s0, b.s0, c.s0, d.s0),
                          wasm_u32x4_make(a.s1, b.s1, c.s1, d.s1),
                          wasm_u32x4_make(a.s2, b.s2, c.s2, d.s2),
                          wasm_u32x4_make(a.s3, b.s3, c.s3, d.s3)};
  return x;
}

// The eight lanes of block b of the key (w0, w1): from the key itself for block 0, else from
// blockKey's.
NORMAL_INLINE normal_lanes block_lanes(unsigned w0, unsigned w1, unsigned b) {
  const unsigned k0 = b == 0 ? w0 : mix_words(w0, w1, b, 6);
  const unsigned k1 = b == 0 ? w1 : mix_words(w0, w1, b, 7);
  const normal_lanes lanes = {four_lanes(k0, k1, 0), four_lanes(k0, k1, 4)};
  return lanes;
}

// x · 5 and x · 9 as shifts and adds: the same bits as i32x4.mul, which V8 lowers to a
// 10-cycle multiply.
NORMAL_INLINE v128_t times5(v128_t x) { return wasm_i32x4_add(wasm_i32x4_shl(x, 2), x); }
NORMAL_INLINE v128_t times9(v128_t x) { return wasm_i32x4_add(wasm_i32x4_shl(x, 3), x); }

NORMAL_INLINE v128_t rotl(v128_t x, int k) {
  return wasm_v128_or(wasm_i32x4_shl(x, k), wasm_u32x4_shr(x, 32 - k));
}

// The next word of each lane: xoshiro128** (xoshiro128.ts's nextInt32).
NORMAL_INLINE v128_t next_words(xoshiro128x4 *s) {
  const v128_t word = times9(rotl(times5(s->s1), 7));
  const v128_t t = wasm_i32x4_shl(s->s1, 9);
  s->s2 = wasm_v128_xor(s->s2, s->s0);
  s->s3 = wasm_v128_xor(s->s3, s->s1);
  s->s1 = wasm_v128_xor(s->s1, s->s2);
  s->s0 = wasm_v128_xor(s->s0, s->s3);
  s->s2 = wasm_v128_xor(s->s2, t);
  s->s3 = rotl(s->s3, 11);
  return word;
}

// The Box–Muller pair of each lane from its words w1, w2 (the header says how): z1 and z2.
NORMAL_INLINE void box_muller(v128_t w1, v128_t w2, v128_t *z1, v128_t *z2) {
  const v128_t k = wasm_v128_or(wasm_u32x4_shr(w1, 1), wasm_i32x4_splat(1));
  const v128_t u = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(k), F4(0x1p-31f));
  const v128_t r = wasm_f32x4_sqrt(wasm_f32x4_mul(log4(u), F4(-2.0f)));
  const v128_t m = wasm_u32x4_shr(w2, 8);
  const v128_t q = wasm_u32x4_shr(wasm_i32x4_add(m, wasm_i32x4_splat(1 << 21)), 22);
  const v128_t within = wasm_i32x4_sub(m, wasm_i32x4_shl(q, 22));
  const v128_t x = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(within), F4(0x1.921fb6p-22f));
  const v128_t x2 = wasm_f32x4_mul(x, x);
  // Cephes sinf and cosf on [−π/4, π/4].
  v128_t s = F4(-1.9515295891e-4f);
  s = wasm_f32x4_add(wasm_f32x4_mul(s, x2), F4(8.3321608736e-3f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, x2), F4(-1.6666654611e-1f));
  s = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(s, x2), x), x);
  v128_t c = F4(2.443315711809948e-5f);
  c = wasm_f32x4_add(wasm_f32x4_mul(c, x2), F4(-1.388731625493765e-3f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, x2), F4(4.166664568298827e-2f));
  c = wasm_f32x4_sub(wasm_f32x4_mul(wasm_f32x4_mul(c, x2), x2), wasm_f32x4_mul(x2, F4(0.5f)));
  c = wasm_f32x4_add(c, F4(1.0f));
  // Quadrant q (0-4, 4 being 0): odd swaps cos and sin; cos is negative in 1 and 2, sin in 2
  // and 3.
  const v128_t odd = wasm_i32x4_shr(wasm_i32x4_shl(q, 31), 31);
  const v128_t sign = SIGN_BIT;
  const v128_t cos_sign = wasm_v128_and(wasm_i32x4_shl(wasm_i32x4_add(q, wasm_i32x4_splat(1)), 30), sign);
  const v128_t sin_sign = wasm_v128_and(wasm_i32x4_shl(q, 30), sign);
  *z1 = wasm_f32x4_mul(r, wasm_v128_xor(wasm_v128_bitselect(s, c, odd), cos_sign));
  *z2 = wasm_f32x4_mul(r, wasm_v128_xor(wasm_v128_bitselect(c, s, odd), sin_sign));
}

// The next 16 numbers of a block stream, in order, as four vectors.
typedef struct {
  v128_t v0, v1, v2, v3;
} normal_group;

NORMAL_INLINE normal_group next_group(normal_lanes *lanes) {
  normal_group g;
  const v128_t a1 = next_words(&lanes->low), a2 = next_words(&lanes->low);
  const v128_t b1 = next_words(&lanes->high), b2 = next_words(&lanes->high);
  box_muller(a1, a2, &g.v0, &g.v1);
  box_muller(b1, b2, &g.v2, &g.v3);
  return g;
}

// Stores the first `count` (0-4) lanes of v at y.
NORMAL_INLINE void store_lanes(float *y, v128_t v, int count) {
  if (count >= 4) {
    wasm_v128_store(y, v);
    return;
  }
  if (count > 0) y[0] = wasm_f32x4_extract_lane(v, 0);
  if (count > 1) y[1] = wasm_f32x4_extract_lane(v, 1);
  if (count > 2) y[2] = wasm_f32x4_extract_lane(v, 2);
}

// out[0..n) = the next n numbers of the stream, in order. n is a multiple of NORMAL_GROUP
// except at the end of a block, where the rest of the last group is dropped.
NORMAL_INLINE void fill_normal(normal_lanes *lanes, float *out, int n) {
  int i = 0;
  for (; i + NORMAL_GROUP <= n; i += NORMAL_GROUP) {
    const normal_group g = next_group(lanes);
    wasm_v128_store(out + i, g.v0);
    wasm_v128_store(out + i + 4, g.v1);
    wasm_v128_store(out + i + 8, g.v2);
    wasm_v128_store(out + i + 12, g.v3);
  }
  if (i < n) {
    const normal_group g = next_group(lanes);
    const int rest = n - i;
    store_lanes(out + i, g.v0, rest);
    store_lanes(out + i + 4, g.v1, rest - 4);
    store_lanes(out + i + 8, g.v2, rest - 8);
    store_lanes(out + i + 12, g.v3, rest - 12);
  }
}

// Noise drawn ahead of its use, a slice at a time: 8 KiB, inside the L1 cache with the slices
// of the arrays a kernel reads beside it. A multiple of NORMAL_GROUP.
#define NOISE_SLICE 2048

// A walk over the blocks [first, end) of an n-element array of noise drawn from the key
// (w0, w1): block b holds elements [b·NORMAL_BLOCK, min(n, (b + 1)·NORMAL_BLOCK)), each from
// its own stream, and is drawn NOISE_SLICE elements at a time by next_noise_slice.
typedef struct {
  normal_lanes lanes;
  unsigned w0, w1;
  int n, block, end, next, stop;
} noise_slices;

// The lanes are left unset (zeroing them would call memset, which these modules lack): the
// first next_noise_slice call seeds them.
NORMAL_INLINE noise_slices noise_slices_of(int n, int w0, int w1, int first, int end) {
  noise_slices c;
  c.w0 = (unsigned)w0;
  c.w1 = (unsigned)w1;
  c.n = n;
  c.block = first - 1;  // the first next_noise_slice call moves to block first
  c.end = end;
  c.next = 0;
  c.stop = 0;
  return c;
}

// Draws the next slice of noise into eps (the array's element 0) and sets *start to where it
// begins; returns its length, 0 once the blocks are done.
NORMAL_INLINE int next_noise_slice(noise_slices *c, float *eps, int *start) {
  if (c->next >= c->stop) {
    c->block++;
    c->next = c->block * NORMAL_BLOCK;
    if (c->block >= c->end || c->next >= c->n) return 0;
    c->stop = c->n - c->next < NORMAL_BLOCK ? c->n : c->next + NORMAL_BLOCK;
    c->lanes = block_lanes(c->w0, c->w1, (unsigned)c->block);
  }
  const int count = c->stop - c->next < NOISE_SLICE ? c->stop - c->next : NOISE_SLICE;
  fill_normal(&c->lanes, eps + c->next, count);
  *start = c->next;
  c->next += count;
  return count;
}

#endif
