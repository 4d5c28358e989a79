// Softplus for tfjs's wasm heap, four lanes at a time (WebAssembly SIMD):
//
//   softplus(x) = max(x, 0) + log1p(exp(-|x|))        (simd-math.h has the accuracy notes)
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "simd-math.h"

// y[i] = softplus(x[i]) for i < n; x and y are byte offsets of float32 arrays (may alias).
__attribute__((export_name("softplus"))) void softplus(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, softplus4(wasm_v128_load(x + i)));
  // The last 1-3 elements one lane at a time: a lane buffer would live on a stack, and this
  // module must not own one (its stack pointer would point into tfjs's heap).
  for (; i < n; i++) y[i] = wasm_f32x4_extract_lane(softplus4(wasm_f32x4_splat(x[i])), 0);
}
