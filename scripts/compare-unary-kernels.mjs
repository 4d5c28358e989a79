#!/usr/bin/env node
// Runs two builds of an element-wise wasm kernel `f(x, y, n)` (a *.generated.ts module from
// scripts/build-wasm-kernel.sh) on every float32 bit pattern, 2^32 inputs, and reports how many
// outputs differ in any bit and each build's time. For checking that a change to
// wasm/simd-math.h made a kernel faster without changing its results:
//
//   git show HEAD~1:packages/core/src/backend/exp-wasm.generated.ts > /tmp/exp-old.ts
//   node scripts/compare-unary-kernels.mjs /tmp/exp-old.ts \
//     packages/core/src/backend/exp-wasm.generated.ts EXP exp_f32
//
// About 30 s per kernel on one core.
import { readFileSync } from 'node:fs';

const [oldFile, newFile, prefix, exportName] = process.argv.slice(2);
if (exportName === undefined) {
  console.error('usage: compare-unary-kernels.mjs OLD.generated.ts NEW.generated.ts PREFIX EXPORT');
  process.exit(2);
}

const CHUNK = 1 << 24;

/** The plain-memory module of a generated file, instantiated on a memory of its own. */
async function load(file) {
  const source = readFileSync(file, 'utf8');
  const match = source.match(new RegExp(`${prefix}_WASM_PLAIN =\\s*'([^']+)'`));
  if (match === null) throw new Error(`${file}: no ${prefix}_WASM_PLAIN`);
  const memory = new WebAssembly.Memory({ initial: (CHUNK * 8) / 65536 });
  const { instance } = await WebAssembly.instantiate(Buffer.from(match[1], 'base64'), {
    env: { memory },
  });
  const kernel = instance.exports[exportName];
  if (typeof kernel !== 'function') throw new Error(`${file}: no export ${exportName}`);
  const input = new Uint32Array(memory.buffer, 0, CHUNK);
  const output = new Uint32Array(memory.buffer, CHUNK * 4, CHUNK);
  return { kernel, input, output, ms: 0 };
}

const builds = [await load(oldFile), await load(newFile)];
const [before, after] = builds;
let differ = 0;
let payloadOnly = 0; // NaN in, NaN out in both builds, with another payload
const isNaN32 = (bits) => (bits & 0x7fffffff) > 0x7f800000;
for (let start = 0; start < 2 ** 32; start += CHUNK) {
  for (const build of builds) {
    for (let i = 0; i < CHUNK; i++) build.input[i] = start + i;
    const t0 = performance.now();
    build.kernel(0, CHUNK * 4, CHUNK);
    build.ms += performance.now() - t0;
  }
  for (let i = 0; i < CHUNK; i++) {
    if (before.output[i] === after.output[i]) continue;
    differ++;
    if (isNaN32(start + i) && isNaN32(before.output[i]) && isNaN32(after.output[i])) {
      payloadOnly++;
    } else if (differ - payloadOnly <= 5) {
      const hex = (bits) => `0x${bits.toString(16).padStart(8, '0')}`;
      console.log(`x = ${hex(start + i)}: ${hex(before.output[i])} → ${hex(after.output[i])}`);
    }
  }
}
console.log(
  `${exportName}: ${differ} of 2^32 outputs differ (${payloadOnly} only in a NaN's payload); ` +
    `${before.ms.toFixed(0)} ms → ${after.ms.toFixed(0)} ms`,
);
