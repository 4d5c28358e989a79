// Softplus for tfjs's wasm heap, four lanes at a time (WebAssembly SIMD).
//
//   softplus(x) = max(x, 0) + log1p(exp(-|x|))
//
// exp(-|x|) is Cephes' expf (Cody-Waite reduction by ln 2, degree-5 polynomial, exponent
// built from bits); log1p(e) for e in [0, 1] is 2·atanh(s) with s = e / (2 + e) in [0, 1/3],
// summed as an odd series to s^15 (the next term is below 2^-26 relative), so small e keeps
// its full precision: tfjs-wasm's own Log1p is naive there (log1p(1e-5) off by 0.14%).
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernels.sh (clang, wasm-ld).
#include <wasm_simd128.h>

static inline v128_t exp_neg(v128_t a) {  // exp(-a) for a >= 0; 0 below float range
  const v128_t x0 = wasm_f32x4_neg(a);
  const v128_t x = wasm_f32x4_max(x0, wasm_f32x4_splat(-87.33654f));
  const v128_t k = wasm_f32x4_floor(
      wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), wasm_f32x4_splat(0.5f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(k, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(k, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.0f));
  const v128_t bits = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(k), wasm_i32x4_splat(127)), 23);
  const v128_t e = wasm_f32x4_mul(p, bits);
  // Below -87.3 the scale 2^k would be denormal: exp is then below 1e-38, and 0 is exact
  // enough for softplus (it adds to max(x, 0) or is itself the answer only for x < -87).
  return wasm_v128_and(e, wasm_f32x4_ge(x0, wasm_f32x4_splat(-87.33654f)));
}

static inline v128_t log1p_unit(v128_t e) {  // log1p(e) for e in [0, 1]
  const v128_t s = wasm_f32x4_div(e, wasm_f32x4_add(e, wasm_f32x4_splat(2.0f)));
  const v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t p = wasm_f32x4_splat(1.0f / 15.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 13.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 11.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 9.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 7.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 5.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 3.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f));
  const v128_t twice_s = wasm_f32x4_add(s, s);
  return wasm_f32x4_mul(twice_s, p);
}

static inline v128_t softplus4(v128_t x) {
  const v128_t tail = log1p_unit(exp_neg(wasm_f32x4_abs(x)));
  return wasm_f32x4_add(wasm_f32x4_max(x, wasm_f32x4_splat(0.0f)), tail);
}

// y[i] = softplus(x[i]) for i < n; x and y are byte offsets of float32 arrays (may alias).
__attribute__((export_name("softplus"))) void softplus(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, softplus4(wasm_v128_load(x + i)));
  // The last 1-3 elements one lane at a time: a lane buffer would live on a stack, and this
  // module must not own one (its stack pointer would point into tfjs's heap).
  for (; i < n; i++) y[i] = wasm_f32x4_extract_lane(softplus4(wasm_f32x4_splat(x[i])), 0);
}
