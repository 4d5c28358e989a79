// Σ log x_j over float32 lanes as one logarithm of a float64 product: the product runs in two
// float64 lanes and its power of two moves into an integer count at each renormalise, so no
// range of factors overflows or underflows it, and a log per element becomes a multiply.
// Each factor enters with float64 rounding (2^-53), tighter than a float32 log's; zero,
// infinity and NaN factors give the sum's −inf, +inf and NaN.
#ifndef BAYESRNN_LOG_PRODUCT_H
#define BAYESRNN_LOG_PRODUCT_H
#include <wasm_simd128.h>

typedef struct {
  v128_t product;   // f64x2, renormalised to [1, 2) (or 0, inf, NaN)
  v128_t exponent;  // i64x2: the powers of two taken out of product
} log_product;

static inline log_product log_product_one(void) {
  const log_product p = {wasm_f64x2_splat(1.0), wasm_i64x2_splat(0)};
  return p;
}

// p · Π_i a_i b_i over four lanes; a_i b_i is exact in float64 (two 24-bit mantissas). Each
// call multiplies two of them into each float64 lane: renormalise before a lane could leave
// float64's normal range, after every call in general (a product of two float32s lies in
// [2^-298, 2^256]), after every second call when each a_i b_i lies in [2^-255, 2^255].
static inline log_product log_product_mul4(log_product p, v128_t a, v128_t b) {
  const v128_t a_hi = wasm_i32x4_shuffle(a, a, 2, 3, 0, 1);
  const v128_t b_hi = wasm_i32x4_shuffle(b, b, 2, 3, 0, 1);
  const v128_t low =
      wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(a), wasm_f64x2_promote_low_f32x4(b));
  const v128_t high =
      wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(a_hi), wasm_f64x2_promote_low_f32x4(b_hi));
  const log_product next = {wasm_f64x2_mul(p.product, wasm_f64x2_mul(low, high)), p.exponent};
  return next;
}

// The product's lanes scaled to [1, 2), their exponents added to the count. Zero, infinity and
// NaN stay as they are.
static inline log_product log_product_renormalise(log_product p) {
  const v128_t biased = wasm_v128_and(wasm_u64x2_shr(p.product, 52), wasm_i64x2_splat(0x7ff));
  const v128_t special = wasm_v128_or(wasm_i64x2_eq(biased, wasm_i64x2_splat(0)),
                                      wasm_i64x2_eq(biased, wasm_i64x2_splat(0x7ff)));
  const v128_t exponent =
      wasm_v128_andnot(wasm_i64x2_sub(biased, wasm_i64x2_splat(1023)), special);
  const v128_t mantissa = wasm_v128_and(p.product, wasm_i64x2_splat(0x000fffffffffffffLL));
  const v128_t unit = wasm_v128_or(mantissa, wasm_f64x2_splat(1.0));
  const log_product next = {wasm_v128_bitselect(p.product, unit, special),
                            wasm_i64x2_add(p.exponent, exponent)};
  return next;
}

// Σ log of every factor multiplied in (needs fdlibm.h).
static inline double log_product_value(log_product p) {
  const long long powers =
      wasm_i64x2_extract_lane(p.exponent, 0) + wasm_i64x2_extract_lane(p.exponent, 1);
  return fdlibm_log(wasm_f64x2_extract_lane(p.product, 0)) +
         fdlibm_log(wasm_f64x2_extract_lane(p.product, 1)) +
         (double)powers * 0.69314718055994530942;
}

#endif
