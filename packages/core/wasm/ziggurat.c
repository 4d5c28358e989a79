// Standard normal draws for tfjs's wasm heap (ziggurat.h): the numbers of random/ziggurat.ts
// and random/normal-blocks.ts, bit for bit, about 1.8× faster than the JavaScript on one
// thread, and split by blocks over the heap's helper threads. Bayes by Backprop and pSGLD draw
// one number per weight every step (4.6M on PTB-small).
//
// The module owns no memory, data or stack: it imports tfjs's linear memory.
// Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "fdlibm.h"
#include "ziggurat.h"

// Blocks [first, end) of the n-element array at out, drawn from the key (w0, w1).
__attribute__((export_name("fill_standard_normal_blocks"))) void fill_standard_normal_blocks(
    float *out, int n, const char *tables, int w0, int w1, int first, int end) {
  noise_slices slices = noise_slices_of(n, tables, w0, w1, first, end);
  int start;
  while (next_noise_slice(&slices, out, &start) > 0) continue;  // each call draws one slice
}

// The two fdlibm functions, exported for the test that compares them with Math.exp/Math.log.
__attribute__((export_name("exp_f64"))) double exp_f64(double x) { return fdlibm_exp(x); }
__attribute__((export_name("log_f64"))) double log_f64(double x) { return fdlibm_log(x); }
