// Tanh for tfjs's wasm heap, four lanes at a time (WebAssembly SIMD); activations.h has the
// function. tfjs-wasm's Tanh calls scalar std::tanh per element: 4.55 ms for a [400, 800]
// tensor against 0.34 ms here, 50 against 10 µs for the [20, 200] that a GRU or vanilla RNN
// window takes at every step (src/backend/wasm-kernels.bench.ts). tfjs-wasm's Sigmoid runs
// XNNPACK (7 µs on a GRU step's [20, 400]) and stays: the same loop over sigmoid4 in its place
// was slower in a trial.
//
// The module owns no memory, data or stack: it imports tfjs's linear memory and works in
// place on the tensors' offsets. Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "simd-math.h"
#include "activations.h"

// y[i] = tanh(x[i]) for i < n; x and y are byte offsets of float32 arrays (may alias).
__attribute__((export_name("tanh_f32"))) void tanh_f32(const float *x, float *y, int n) {
  map_unary(x, y, n, tanh4);
}
