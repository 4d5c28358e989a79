// An experiment, not a kernel (bench/src/experiments/ziggurat-variants.ts builds and times
// it): ziggurat.h's normal draws with the streams of four blocks in the four lanes of one
// vector. Each block has its own stream, so lane k draws exactly the numbers its block would
// alone: bit for bit the committed kernel's numbers. The table lookups and stores stay one
// lane at a time (wasm SIMD has no gather or scatter), and on a miss the lane leaves for the
// scalar slow path. Measured slower than the scalar walk (docs/results.md): V8 compiles the
// loop to about 60 x86 instructions per four draws, about 40% of them lane extracts, inserts,
// shuffles and conversions, against about 35 per draw in the scalar loop, most of them integer.
#include "../../packages/core/wasm/fdlibm.h"
#include "../../packages/core/wasm/ziggurat.h"
#include <wasm_simd128.h>

#define LANES_INLINE static inline __attribute__((always_inline))

typedef struct {
  v128_t s0, s1, s2, s3;  // lane k: the state words of stream k
} xoshiro128x4;

LANES_INLINE v128_t rotl4(v128_t x, int k) {
  return wasm_v128_or(wasm_i32x4_shl(x, k), wasm_u32x4_shr(x, 32 - k));
}

// next_int32 in each lane.
LANES_INLINE v128_t next_int32x4(xoshiro128x4 *s) {
  const v128_t product = wasm_i32x4_add(s->s1, wasm_i32x4_shl(s->s1, 2));
  const v128_t rotated = rotl4(product, 7);
  const v128_t word = wasm_i32x4_add(rotated, wasm_i32x4_shl(rotated, 3));
  const v128_t t = wasm_i32x4_shl(s->s1, 9);
  s->s2 = wasm_v128_xor(s->s2, s->s0);
  s->s3 = wasm_v128_xor(s->s3, s->s1);
  s->s1 = wasm_v128_xor(s->s1, s->s2);
  s->s0 = wasm_v128_xor(s->s0, s->s3);
  s->s2 = wasm_v128_xor(s->s2, t);
  s->s3 = rotl4(s->s3, 11);
  return word;
}

LANES_INLINE xoshiro128x4 streams_of(xoshiro128 a, xoshiro128 b, xoshiro128 c, xoshiro128 d) {
  const xoshiro128x4 s = {wasm_u32x4_make(a.s0, b.s0, c.s0, d.s0),
                          wasm_u32x4_make(a.s1, b.s1, c.s1, d.s1),
                          wasm_u32x4_make(a.s2, b.s2, c.s2, d.s2),
                          wasm_u32x4_make(a.s3, b.s3, c.s3, d.s3)};
  return s;
}

// Lane k of x is the slow path's draw where its first word hz missed the fast path; lane k of
// the streams continues from where that draw left it. A macro: lane indices must be constants.
#define SLOW_PATH_LANE(s, hz, fast, x, t, k)                                               \
  if (!wasm_i32x4_extract_lane(fast, k)) {                                                 \
    xoshiro128 one = {wasm_u32x4_extract_lane(s.s0, k), wasm_u32x4_extract_lane(s.s1, k),  \
                      wasm_u32x4_extract_lane(s.s2, k), wasm_u32x4_extract_lane(s.s3, k)}; \
    const float draw = (float)ziggurat_slow_path(&one, wasm_i32x4_extract_lane(hz, k), t); \
    x = wasm_f32x4_replace_lane(x, k, draw);                                               \
    s.s0 = wasm_i32x4_replace_lane(s.s0, k, (int)one.s0);                                  \
    s.s1 = wasm_i32x4_replace_lane(s.s1, k, (int)one.s1);                                  \
    s.s2 = wasm_i32x4_replace_lane(s.s2, k, (int)one.s2);                                  \
    s.s3 = wasm_i32x4_replace_lane(s.s3, k, (int)one.s3);                                  \
  }

// Lane k of x to o_k[i], from lane 3 down to lane 0 (fill_normal4 says why).
LANES_INLINE void store_lanes(v128_t x, float *o0, float *o1, float *o2, float *o3, int i) {
  wasm_v128_store32_lane(o3 + i, x, 3);
  wasm_v128_store32_lane(o2 + i, x, 2);
  wasm_v128_store32_lane(o1 + i, x, 1);
  wasm_v128_store32_lane(o0 + i, x, 0);
}

// The fast path of each lane (fill_normal's inner loop): its first word *hz, whether it was
// accepted (*fast, all ones), and the draw it gives where it was.
LANES_INLINE v128_t fast_path4(xoshiro128x4 *s, ziggurat_tables t, v128_t *hz_out,
                                   v128_t *fast) {
  const v128_t hz = next_int32x4(s);
  *hz_out = hz;
  const v128_t iz = wasm_v128_and(hz, wasm_i32x4_splat(ZIGGURAT_LAYERS - 1));
  const int i0 = wasm_i32x4_extract_lane(iz, 0), i1 = wasm_i32x4_extract_lane(iz, 1);
  const int i2 = wasm_i32x4_extract_lane(iz, 2), i3 = wasm_i32x4_extract_lane(iz, 3);
  // |hz| < kn[iz] as in fast_path_accepts: i32x4.abs leaves −2^31, which is 2^31 unsigned.
  const v128_t kn = wasm_i32x4_make(t.kn[i0], t.kn[i1], t.kn[i2], t.kn[i3]);
  *fast = wasm_u32x4_lt(wasm_i32x4_abs(hz), kn);
  // hz · wn[iz] as one double product per lane, rounded to float32 as in the scalar walk.
  const v128_t low =
      wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(hz), wasm_f64x2_make(t.wn[i0], t.wn[i1]));
  const v128_t high =
      wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(hz, hz, 2, 3, 2, 3)),
                     wasm_f64x2_make(t.wn[i2], t.wn[i3]));
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(low),
                            wasm_f32x4_demote_f64x2_zero(high), 0, 1, 4, 5);
}

// o_k[0..n) = the next n draws of lane k's stream. A lane with nowhere to go aliases o0: the
// lanes are stored from 3 down to 0, so o0's own draw is the one that stays.
LANES_INLINE void fill_normal4(xoshiro128x4 *state, float *o0, float *o1, float *o2,
                                  float *o3, int n, ziggurat_tables t) {
  xoshiro128x4 s = *state;
  int i = 0;
  while (i < n) {
    // The fast path in all four lanes (about 95% of vectors) as a tight loop of its own. A
    // miss leaves it with the state from before the vector, which is redrawn below: nothing
    // else of the loop lives on into the slow path, whose register pressure would otherwise
    // make V8 spill the loop's vectors on every iteration.
    for (; i < n; i++) {
      xoshiro128x4 next = s;
      v128_t hz, fast;
      const v128_t x = fast_path4(&next, t, &hz, &fast);
      if (!wasm_i32x4_all_true(fast)) break;
      store_lanes(x, o0, o1, o2, o3, i);
      s = next;
    }
    if (i == n) break;
    v128_t hz, fast;
    v128_t x = fast_path4(&s, t, &hz, &fast);
    SLOW_PATH_LANE(s, hz, fast, x, t, 0)
    SLOW_PATH_LANE(s, hz, fast, x, t, 1)
    SLOW_PATH_LANE(s, hz, fast, x, t, 2)
    SLOW_PATH_LANE(s, hz, fast, x, t, 3)
    store_lanes(x, o0, o1, o2, o3, i++);
  }
  *state = s;
}

// Blocks [first, end) of the n-element array at out, four at a time. The last block of the
// array can be the short one: its lane draws with the others while it lasts, then aliases o0.
__attribute__((export_name("fill_standard_normal_lanes"))) void fill_standard_normal_lanes(
    float *out, int n, const char *tables, int w0, int w1, int first, int end) {
  const ziggurat_tables t = tables_at(tables);
  for (int g = first; g < end && g * NORMAL_BLOCK < n; g += 4) {
    const int in_array = (n - g * NORMAL_BLOCK + NORMAL_BLOCK - 1) / NORMAL_BLOCK;
    const int lanes = end - g < 4 ? end - g : 4;
    const int live = lanes < in_array ? lanes : in_array;
    const xoshiro128 b0 = block_stream(w0, w1, g);
    xoshiro128x4 s = streams_of(b0, live > 1 ? block_stream(w0, w1, g + 1) : b0,
                                live > 2 ? block_stream(w0, w1, g + 2) : b0,
                                live > 3 ? block_stream(w0, w1, g + 3) : b0);
    float *o0 = out + g * NORMAL_BLOCK;
    const int full = n - g * NORMAL_BLOCK < NORMAL_BLOCK ? n - g * NORMAL_BLOCK : NORMAL_BLOCK;
    const int last = n - (g + live - 1) * NORMAL_BLOCK;
    const int together = last < full ? last : full;
    fill_normal4(&s, o0, live > 1 ? o0 + NORMAL_BLOCK : o0, live > 2 ? o0 + 2 * NORMAL_BLOCK : o0,
                 live > 3 ? o0 + 3 * NORMAL_BLOCK : o0, together, t);
    if (together < full) {  // the short last block is done: its lane aliases o0
      float *p = o0 + together;
      fill_normal4(&s, p, live > 2 ? p + NORMAL_BLOCK : p, live > 3 ? p + 2 * NORMAL_BLOCK : p, p,
                   full - together, t);
    }
  }
}
