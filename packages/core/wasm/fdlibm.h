// exp and log in double precision, ported from fdlibm 5.3 (e_exp.c, e_log.c; Sun
// Microsystems 1993/2004: "Permission to use, copy, modify, and distribute this software is
// freely granted, provided that this notice is preserved."), as FreeBSD's msun and V8's
// src/base/ieee754.cc carry them. V8's Math.exp and Math.log are these functions, so a kernel
// using them gets the same doubles as JavaScript: ziggurat.c relies on it to draw exactly the
// numbers of random/ziggurat.ts. Tested against Math.exp and Math.log (fdlibm.test.ts).
//
// Changed from the original only where tfjs's heap demands it: no arrays (they would be a
// data section), no volatile statics (globals), and the overflow results written as
// constants instead of raising floating-point flags.
#ifndef BAYESRNN_FDLIBM_H
#define BAYESRNN_FDLIBM_H

typedef union {
  double value;
  unsigned long long bits;
} fdlibm_double_bits;

static inline int fdlibm_high_word(double x) {
  fdlibm_double_bits u = {x};
  return (int)(u.bits >> 32);
}

static inline unsigned fdlibm_low_word(double x) {
  fdlibm_double_bits u = {x};
  return (unsigned)u.bits;
}

static inline double fdlibm_from_words(unsigned high, unsigned low) {
  fdlibm_double_bits u;
  u.bits = ((unsigned long long)high << 32) | low;
  return u.value;
}

static inline double fdlibm_with_high_word(double x, unsigned high) {
  return fdlibm_from_words(high, fdlibm_low_word(x));
}

// e^x: reduce x = k ln2 + r, |r| <= ln2/2; e^r = 1 + r + r c / (2 − c), c a Remez
// polynomial in r²; scale by 2^k.
static inline double fdlibm_exp(double x) {
  const double o_threshold = 7.09782712893383973096e+02;
  const double u_threshold = -7.45133219101941108420e+02;
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double invln2 = 1.44269504088896338700e+00;
  const double P1 = 1.66666666666666019037e-01;
  const double P2 = -2.77777777770155933842e-03;
  const double P3 = 6.61375632143793436117e-05;
  const double P4 = -1.65339022054652515390e-06;
  const double P5 = 4.13813679705723846039e-08;
  const double E = 2.718281828459045;
  const double two1023 = 8.988465674311579539e307;
  const double twom1000 = 9.33263618503218878990e-302;
  double hi = 0.0, lo = 0.0, c, t, y, twopk;
  int k = 0;
  unsigned hx = (unsigned)fdlibm_high_word(x);
  const int xsb = (int)((hx >> 31) & 1);
  hx &= 0x7fffffff;

  if (hx >= 0x40862E42) {  // |x| >= 709.78...
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | fdlibm_low_word(x)) != 0) return x + x;  // NaN
      return xsb == 0 ? x : 0.0;                                     // e^+inf, e^-inf
    }
    if (x > o_threshold) return __builtin_inf();
    if (x < u_threshold) return 0.0;
  }

  if (hx > 0x3fd62e42) {    // |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5 ln2
      if (x == 1.0) return E;
      hi = x - (xsb == 0 ? ln2_hi : -ln2_hi);
      lo = xsb == 0 ? ln2_lo : -ln2_lo;
      k = 1 - xsb - xsb;
    } else {
      k = (int)(invln2 * x + (xsb == 0 ? 0.5 : -0.5));
      t = k;
      hi = x - t * ln2_hi;  // t * ln2_hi is exact here
      lo = t * ln2_lo;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {  // |x| < 2^-28
    return 1.0 + x;
  } else {
    k = 0;
  }

  t = x * x;
  if (k >= -1021) {
    twopk = fdlibm_from_words(0x3ff00000u + ((unsigned)k << 20), 0);
  } else {
    twopk = fdlibm_from_words(0x3ff00000u + ((unsigned)(k + 1000) << 20), 0);
  }
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

// ln x: x = 2^k (1 + f), √2/2 < 1 + f < √2; ln(1 + f) = 2s + s R(s²) with s = f / (2 + f),
// R a Remez polynomial; plus k ln2 in two parts.
static inline double fdlibm_log(double x) {
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double two54 = 1.80143985094819840000e+16;
  const double Lg1 = 6.666666666666735130e-01;
  const double Lg2 = 3.999999999940941908e-01;
  const double Lg3 = 2.857142874366239149e-01;
  const double Lg4 = 2.222219843214978396e-01;
  const double Lg5 = 1.818357216161805012e-01;
  const double Lg6 = 1.531383769920937332e-01;
  const double Lg7 = 1.479819860511658591e-01;
  double hfsq, f, s, z, R, w, t1, t2, dk;
  int k = 0, hx = fdlibm_high_word(x), i, j;
  const unsigned lx = fdlibm_low_word(x);

  if (hx < 0x00100000) {  // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) == 0) return -__builtin_inf();  // log(±0)
    if (hx < 0) return __builtin_nan("");                      // log(negative)
    k -= 54;
    x *= two54;  // subnormal: scale up
    hx = fdlibm_high_word(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  i = (hx + 0x95f64) & 0x100000;
  x = fdlibm_with_high_word(x, (unsigned)(hx | (i ^ 0x3ff00000)));  // normalise x or x/2
  k += (i >> 20);
  f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {  // −2^-20 <= f < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  s = f / (2.0 + f);
  dk = (double)k;
  z = s * s;
  i = hx - 0x6147a;
  w = z * z;
  j = 0x6b851 - hx;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  R = t2 + t1;
  if (i > 0) {
    hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

#endif
