// Float32 transcendental functions on WebAssembly SIMD lanes, for the kernels in wasm/*.c.
//
// exp_neg_abs is Cephes' expf (Cody-Waite reduction by ln 2, degree-5 polynomial, exponent built
// from bits); log1p_unit(e) for e in [0, 1] is 2·atanh(s), s = e / (2 + e) in [0, 1/3], by a
// minimax polynomial, so small e keeps its full precision (tfjs-wasm's own Log1p is naive
// there: log1p(1e-5) is 0.14% off); log4 is Cephes' logf for normal positive inputs.
// Everything is inline and touches no memory.
//
// Clamps use pmin/pmax and float-to-int conversions the magic-number add: V8 lowers wasm's
// f32x4.min/max (NaN- and ±0-exact) to eight x86 instructions each and i32x4.trunc_sat to five,
// against one each here. Exp gives the same bits on all 2^32 inputs as the library's first
// SIMD exp, 17% faster (scripts/compare-unary-kernels.mjs; docs/results.md).
#ifndef BAYESRNN_SIMD_MATH_H
#define BAYESRNN_SIMD_MATH_H
#include <wasm_simd128.h>

#define F4(x) wasm_f32x4_splat(x)
// The float32 sign bit in each lane.
#define SIGN_BIT wasm_i32x4_splat((int)0x80000000u)

// exp(x) for x in [-87.34, 88.73] as p · 2^k: k = round(x / ln 2), and p = exp(r) for
// r = x − k ln 2 (Cody-Waite: ln 2 split in two) by Cephes' degree-5 polynomial.
static inline v128_t exp_reduced(v128_t x, v128_t *k_out) {
  const v128_t k =
      wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, F4(1.44269504088896341f)), F4(0.5f)));
  *k_out = k;
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(k, F4(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(k, F4(-2.12194440e-4f)));
  v128_t p = F4(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F4(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F4(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F4(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F4(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), F4(5.0000001201e-1f));
  return wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), F4(1.0f));
}

// An integral float k with |k| < 2^22 as int32 lanes: k + 1.5·2^23 is exact and holds k in
// its low mantissa bits.
static inline v128_t int_of(v128_t k) {
  return wasm_i32x4_sub(wasm_f32x4_add(k, F4(12582912.0f)), wasm_i32x4_splat(0x4b400000));
}

// 2^k as float bits for integral k in [-126, 127].
static inline v128_t pow2(v128_t k) {
  return wasm_i32x4_shl(wasm_i32x4_add(k, wasm_i32x4_splat(127)), 23);
}

// exp(x) for x <= 0 (or -0); 0 where the result would be below float32's normal range
// (< 1e-38).
static inline v128_t exp_nonpositive(v128_t x) {
  v128_t k;
  const v128_t p = exp_reduced(wasm_f32x4_pmax(x, F4(-87.33654f)), &k);  // NaN stays NaN
  const v128_t e = wasm_f32x4_mul(p, pow2(int_of(k)));
  return wasm_v128_and(e, wasm_f32x4_ge(x, F4(-87.33654f)));
}

// exp(−|x|) for any x (exp(−x) for x >= 0); 0 where the result would be below float32's normal
// range. −|x| is x with its sign bit set: one OR, where V8 lowers f32x4.abs and f32x4.neg to
// three instructions each.
static inline v128_t exp_neg_abs(v128_t x) {
  return exp_nonpositive(wasm_v128_or(x, SIGN_BIT));
}

// exp(x) for any x: +inf above 88.72 (float32 overflow), NaN for NaN, 0 below -87.34 where
// the true value would be denormal (< 1.2e-38; std::exp would return the denormal).
static inline v128_t exp4(v128_t x) {
  v128_t k;
  const v128_t p = exp_reduced(wasm_f32x4_pmin(x, F4(88.72283f)), &k);  // NaN stays NaN
  // 2^k in two factors, so that k up to 128 (x just below the overflow) stays representable.
  const v128_t ki = int_of(k);
  const v128_t half = wasm_i32x4_shr(ki, 1);
  v128_t y = wasm_f32x4_mul(wasm_f32x4_mul(p, pow2(half)), pow2(wasm_i32x4_sub(ki, half)));
  y = wasm_v128_bitselect(F4(__builtin_inff()), y, wasm_f32x4_gt(x, F4(88.72283f)));
  y = wasm_v128_and(y, wasm_f32x4_ge(x, F4(-87.33654f)));  // NaN fails both tests: handled below
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));  // NaN in, NaN out
}

// log1p(e) for e in [0, 1], as 2 s · f(s²) with s = e / (2 + e) in [0, 1/3] and
// f(z) = atanh(√z) / √z = 1 + z/3 + z²/5 + …: f − 1 by a degree-3 minimax polynomial in z on
// [0, 1/9], where the series needed seven terms; small e keeps its full precision. The
// coefficients and their float32 error come from scripts/fit-log1p-polynomial.py (within
// 2.30e-7 of log1p on [0, 1], against the series' 2.22e-7).
static inline v128_t log1p_unit(v128_t e) {
  const v128_t s = wasm_f32x4_div(e, wasm_f32x4_add(e, F4(2.0f)));
  const v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t p = F4(0.14005999267101288f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), F4(0.14000901579856873f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), F4(0.2001076340675354f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), F4(0.3333320915699005f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), F4(1.0f));
  return wasm_f32x4_mul(wasm_f32x4_add(s, s), p);
}

// softplus(x) = max(x, 0) + log1p(exp(-|x|)); *e_out receives exp(-|x|) (for sigmoid_from).
static inline v128_t softplus_e(v128_t x, v128_t *e_out) {
  const v128_t e = exp_neg_abs(x);
  *e_out = e;
  return wasm_f32x4_add(wasm_f32x4_pmax(x, F4(0.0f)), log1p_unit(e));
}

static inline v128_t softplus4(v128_t x) {
  v128_t e;
  return softplus_e(x, &e);
}

// sigmoid(x) from e = exp(-|x|): 1/(1+e) for x >= 0, e/(1+e) for x < 0.
static inline v128_t sigmoid_from(v128_t x, v128_t e) {
  const v128_t denominator = wasm_f32x4_add(F4(1.0f), e);
  const v128_t numerator = wasm_v128_bitselect(F4(1.0f), e, wasm_f32x4_ge(x, F4(0.0f)));
  return wasm_f32x4_div(numerator, denominator);
}

// log(x) for normal positive x (Cephes logf).
static inline v128_t log4(v128_t x) {
  const v128_t bits = x;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(126));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x807fffff)),
                          wasm_i32x4_splat(0x3f000000));  // mantissa in [0.5, 1)
  const v128_t small = wasm_f32x4_lt(m, F4(0.707106781186547524f));
  e = wasm_i32x4_add(e, small);  // small lanes are all ones (-1): one less in the exponent
  const v128_t ef = wasm_f32x4_convert_i32x4(e);
  // m < √½: x = 2m − 1, else x = m − 1.
  const v128_t xm = wasm_f32x4_sub(wasm_f32x4_add(m, wasm_v128_and(m, small)), F4(1.0f));
  const v128_t z = wasm_f32x4_mul(xm, xm);
  v128_t y = F4(7.0376836292e-2f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(-1.1514610310e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(1.1676998740e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(-1.2420140846e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(1.4249322787e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(-1.6668057665e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(2.0000714765e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(-2.4999993993e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, xm), F4(3.3333331174e-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, xm), z);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(ef, F4(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z, F4(0.5f)));
  return wasm_f32x4_add(wasm_f32x4_add(xm, y), wasm_f32x4_mul(ef, F4(0.693359375f)));
}

// y[i] = f(x[i]) for i < n (x and y may alias). Four vectors per iteration: each function
// here is a serial chain of dependent multiply-adds, and independent vectors in flight hide
// that latency (softplus 14.4 → 10.3 ms and exp 7.9 → 5.8 ms per 4.6M elements on one
// thread). The last 1-15 elements go a vector, then a lane, at a time: a lane buffer would
// need a stack, which these modules must not own.
static inline void map_unary(const float *x, float *y, int n, v128_t (*f)(v128_t)) {
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t a = f(wasm_v128_load(x + i)), b = f(wasm_v128_load(x + i + 4));
    const v128_t c = f(wasm_v128_load(x + i + 8)), d = f(wasm_v128_load(x + i + 12));
    wasm_v128_store(y + i, a);
    wasm_v128_store(y + i + 4, b);
    wasm_v128_store(y + i + 8, c);
    wasm_v128_store(y + i + 12, d);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, f(wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] = wasm_f32x4_extract_lane(f(wasm_f32x4_splat(x[i])), 0);
}

#endif
