#!/usr/bin/env node
// Times two builds of the fused Gaussian draw (`packages/posteriors/wasm/gaussian-draw.c`, as
// *.generated.ts modules from scripts/build-wasm-kernel.sh) on one thread, interleaved, over
// the PTB-small weights' 4.6M elements under the paper's scale-mixture prior (or, with a third
// argument `gaussian`, under N(0, 1)): the draw with its KL, the draw alone, and the gradient
// pass. Prints the 10th percentile and the median of 30 rounds (each the mean of 4 calls) per
// build and pass, and how many elements of θ and of d log p / dθ differ between the builds, with
// their KL sums. For checking that a change to the kernel or to wasm/simd-math.h made it faster:
//
//   git show HEAD~1:packages/posteriors/src/gaussian-draw-wasm.generated.ts > /tmp/draw-old.ts
//   node scripts/time-draw-kernels.mjs /tmp/draw-old.ts \
//     packages/posteriors/src/gaussian-draw-wasm.generated.ts
//
// About a minute.
import { readFileSync } from 'node:fs';

const [oldFile, newFile, priorName = 'mixture'] = process.argv.slice(2);
if (newFile === undefined || !['mixture', 'gaussian'].includes(priorName)) {
  console.error(
    'usage: time-draw-kernels.mjs OLD.generated.ts NEW.generated.ts [mixture|gaussian]',
  );
  process.exit(2);
}

const N = 4_600_000;
const BLOCKS = Math.ceil(N / 16_384); // NORMAL_BLOCK: every block of the weight, on this thread
const ROUNDS = 30;
const CALLS = 4;
const ARRAYS = 9; // μ, ρ, θ, ε, σ, e^{−|ρ|}, d log p / dθ; then dμ, dρ (dθ reuses θ)

// Blundell et al.'s scale mixture π = 1/4, σ1 = e^−1, σ2 = e^−7, or N(0, 1), as
// [A, B, D, K, M] (packages/posteriors/src/kernel-prior.ts).
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const [sigma1, sigma2] = [Math.exp(-1), Math.exp(-7)];
const offset1 = Math.log(0.25) + 1 - HALF_LOG_TWO_PI;
const offset2 = Math.log(0.75) + 7 - HALF_LOG_TWO_PI;
const PRIOR =
  priorName === 'gaussian'
    ? [-HALF_LOG_TWO_PI, 0.5, 0, 0, 0]
    : [
        offset1,
        1 / (2 * sigma1 ** 2),
        offset2 - offset1,
        1 / (2 * sigma2 ** 2) - 1 / (2 * sigma1 ** 2),
        1,
      ];

const memory = new WebAssembly.Memory({
  initial: Math.ceil((ARRAYS * N * 4) / 65536) + 2,
  maximum: 65536,
});
const at = (array) => 65536 + array * N * 4;
const floats = (array) => new Float32Array(memory.buffer, at(array), N);
// μ ~ U(−0.05, 0.05) and σ in [0.046, 0.092] (createGaussianPosterior's default range).
const mu = floats(0);
const rho = floats(1);
for (let i = 0; i < N; i++) {
  mu[i] = ((Math.imul(i, 2654435761) >>> 0) % 1000) / 10_000 - 0.05;
  rho[i] = Math.log(Math.expm1(0.046 + (((Math.imul(i, 40503) >>> 0) % 997) / 997) * 0.046));
}

/** The plain-memory module of a generated file, on the shared test memory. */
function load(file) {
  const source = readFileSync(file, 'utf8');
  const match = source.match(/GAUSSIAN_DRAW_WASM_PLAIN =\s*'([^']+)'/);
  if (match === null) throw new Error(`${file}: no GAUSSIAN_DRAW_WASM_PLAIN`);
  const module = new WebAssembly.Module(Buffer.from(match[1], 'base64'));
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  return { file, draw: exports.gaussian_draw_kl, grad: exports.gaussian_draw_kl_grad };
}

const draw = (build, withKl) => () =>
  build.draw(...[0, 1, 2, 3, 4, 5, 6].map(at), N, 12345, 678, 0, BLOCKS, 1e-5, withKl, ...PRIOR);
const grad = (build) => () => build.grad(...[2, 6, 4, 3, 5, 7, 8].map(at), N, 1, 1e-3);

const builds = [load(oldFile), load(newFile)];
// Each build's θ, d log p / dθ and KL sum from the same key, compared bit for bit.
const outputs = builds.map((build) => {
  const kl = draw(build, 1)();
  return { theta: floats(2).slice(), dlogp: floats(6).slice(), kl };
});
const differing = (name) =>
  outputs[0][name].reduce((count, value, i) => count + !Object.is(value, outputs[1][name][i]), 0);

const passes = ['draw and KL', 'draw alone', 'gradient'];
const times = builds.map(() => passes.map(() => []));
for (let round = 0; round < ROUNDS; round++) {
  for (const [b, build] of builds.entries()) {
    for (const [p, run] of [draw(build, 1), draw(build, 0), grad(build)].entries()) {
      const started = performance.now();
      for (let call = 0; call < CALLS; call++) run();
      times[b][p].push((performance.now() - started) / CALLS);
    }
  }
}

const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(q * values.length)];
for (const [p, pass] of passes.entries()) {
  const cells = builds.map(
    (_, b) =>
      `${quantile(times[b][p], 0.1).toFixed(2)} / ${quantile(times[b][p], 0.5).toFixed(2)} ms`,
  );
  console.log(`${pass.padEnd(12)} ${cells[0]} → ${cells[1]}  (10th percentile / median)`);
}
console.log(
  `θ: ${differing('theta')} and d log p / dθ: ${differing('dlogp')} of ${N} elements differ ` +
    `between the builds; KL ${outputs[0].kl} → ${outputs[1].kl}`,
);
