// Exp for tfjs's wasm heap, four lanes at a time (WebAssembly SIMD); simd-math.h's exp4 has
// the accuracy notes. tfjs's kernel calls scalar std::exp per element (about 6.5 ns each);
// the softmax cross-entropy of a PTB-small step takes it on 4M logits.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "simd-math.h"

// y[i] = exp(x[i]) for i < n; x and y are byte offsets of float32 arrays (may alias).
__attribute__((export_name("exp_f32"))) void exp_f32(const float *x, float *y, int n) {
  map_unary(x, y, n, exp4);
}
