// Standard normal draws for tfjs's wasm heap and for a memory of its own (normal.h): the numbers
// of random/box-muller.ts and random/normal-blocks.ts, bit for bit, split by blocks over the
// heap's helper threads. Bayes by Backprop and pSGLD draw one number per weight every step
// (4.6M on PTB-small).
//
// The module owns no memory, data or stack: it imports the linear memory it works in.
// Built by scripts/build-wasm-kernel.sh (clang, wasm-ld).
#include "normal.h"

// Blocks [first, end) of the n-element array at out (its element 0), drawn from the key
// (w0, w1).
__attribute__((export_name("fill_standard_normal_blocks"))) void fill_standard_normal_blocks(
    float *out, int n, int w0, int w1, int first, int end) {
  noise_slices slices = noise_slices_of(n, w0, w1, first, end);
  int start;
  while (next_noise_slice(&slices, out, &start) > 0) continue;  // each call draws one slice
}

// The same blocks of an n-element array, block b written at out + (b − first)·NORMAL_BLOCK:
// for a memory that holds a few blocks of the array at a time.
__attribute__((export_name("fill_standard_normal_range"))) void fill_standard_normal_range(
    float *out, int n, int w0, int w1, int first, int end) {
  for (int b = first; b < end && b * NORMAL_BLOCK < n; b++) {
    const int count = n - b * NORMAL_BLOCK < NORMAL_BLOCK ? n - b * NORMAL_BLOCK : NORMAL_BLOCK;
    normal_lanes lanes = block_lanes((unsigned)w0, (unsigned)w1, (unsigned)b);
    fill_normal(&lanes, out + (b - first) * NORMAL_BLOCK, count);
  }
}
