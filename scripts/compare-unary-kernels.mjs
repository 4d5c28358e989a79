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
// With a fifth argument naming the function (exp, softplus, tanh), it also reports each build's
// largest error relative to the float64 function and how many outputs are not the float64
// value rounded to float32, over the inputs whose result is a normal float32: for a change
// that is meant to alter some outputs but not the accuracy.
//
// About 30 s per kernel on one core (twice that with a reference).
import { readFileSync } from 'node:fs';

const [oldFile, newFile, prefix, exportName, referenceName] = process.argv.slice(2);
/** The float64 functions a build can be checked against. */
const REFERENCES = {
  exp: Math.exp,
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  tanh: Math.tanh,
};
const reference = referenceName === undefined ? undefined : REFERENCES[referenceName];
if (exportName === undefined || (referenceName !== undefined && reference === undefined)) {
  console.error(
    'usage: compare-unary-kernels.mjs OLD.generated.ts NEW.generated.ts PREFIX EXPORT [exp|softplus|tanh]',
  );
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
  return { kernel, input, output, ms: 0, worst: 0, worstAt: 0, misrounded: 0, checked: 0 };
}

const builds = [await load(oldFile), await load(newFile)];
const [before, after] = builds;
let differ = 0;
let payloadOnly = 0; // NaN in, NaN out in both builds, with another payload
const isNaN32 = (bits) => (bits & 0x7fffffff) > 0x7f800000;
const FLOAT32_MIN_NORMAL = 2 ** -126;
const FLOAT32_MAX = 3.4028234663852886e38;
const rounded = new Float32Array(1);

/** Adds one chunk's errors against `reference` to the build's tally. */
function checkAccuracy(build) {
  const x = new Float32Array(build.input.buffer, build.input.byteOffset, CHUNK);
  const y = new Float32Array(build.output.buffer, build.output.byteOffset, CHUNK);
  for (let i = 0; i < CHUNK; i++) {
    const exact = reference(x[i]);
    const size = Math.abs(exact);
    if (!(size >= FLOAT32_MIN_NORMAL && size <= FLOAT32_MAX)) continue;
    build.checked++;
    const error = Math.abs(y[i] - exact) / size;
    if (error > build.worst) [build.worst, build.worstAt] = [error, x[i]];
    rounded[0] = exact;
    if (rounded[0] !== y[i]) build.misrounded++;
  }
}
for (let start = 0; start < 2 ** 32; start += CHUNK) {
  for (const build of builds) {
    for (let i = 0; i < CHUNK; i++) build.input[i] = start + i;
    const t0 = performance.now();
    build.kernel(0, CHUNK * 4, CHUNK);
    build.ms += performance.now() - t0;
    if (reference !== undefined) checkAccuracy(build);
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
if (reference !== undefined) {
  for (const [name, build] of [
    ['before', before],
    ['after', after],
  ]) {
    console.log(
      `${name}: largest error ${build.worst.toExponential(3)} relative to ${referenceName} ` +
        `(at x = ${build.worstAt}); ${build.misrounded} of ${build.checked} outputs ` +
        'are not its float32 rounding',
    );
  }
}
