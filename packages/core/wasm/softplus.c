// Softplus for tfjs's wasm heap, four lanes at a time (WebAssembly SIMD):
//
//   softplus(x) = max(x, 0) + log1p(exp(-|x|))        (simd-math.h has the accuracy notes)
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "simd-math.h"

// y[i] = softplus(x[i]) for i < n; x and y are byte offsets of float32 arrays (may alias).
__attribute__((export_name("softplus"))) void softplus(const float *x, float *y, int n) {
  map_unary(x, y, n, softplus4);
}
