import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectBackend } from '@bayesrnn/core';
import { HELP, parseBenchOptions, UsageError } from './bench-options.js';
import { buildReport } from './bench-report.js';
import { benchRoot } from './bench-root.js';
import { CONTENDERS } from './contenders/index.js';
import { runHarness } from './harness.js';
import { describeMachine } from './machine.js';
import { runMcEvaluation } from './mc-evaluation.js';
import { processPeakRssBytes } from './memory.js';
import { profileStep, renderProfile } from './profile-step.js';
import { renderMarkdown, renderTables } from './render-report.js';
import { PTB_SMALL_SHAPE } from './shape.js';

const log = (line: string) => console.error(line);

/** How the run was started, for the report. */
function commandLine(argv: readonly string[]): string {
  const args = argv.join(' ');
  if (process.env.npm_lifecycle_event === 'bench') {
    return args === '' ? 'npm run bench' : `npm run bench -- ${args}`;
  }
  return `node bench/dist/cli.js ${args}`.trim();
}

/** Runs the benchmark; returns the exit code (2: usage error, 1: a contender failed). */
export async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseBenchOptions>;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bayesrnn-bench: ${error.message}\n\n${HELP}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const unknown = options.only.filter((name) => !CONTENDERS.some((c) => c.name === name));
  if (unknown.length > 0) {
    const known = CONTENDERS.map((c) => c.name).join(', ');
    console.error(`bayesrnn-bench: unknown contender(s) ${unknown.join(', ')}; known: ${known}`);
    return 2;
  }
  const backend = await selectBackend({ name: options.backend, log });
  const shape = { ...PTB_SMALL_SHAPE, embeddingSize: options.size, hiddenSize: options.size };
  const contenders = CONTENDERS.filter(
    (contender) => options.only.length === 0 || options.only.includes(contender.name),
  );
  if (options.profile) {
    for (const contender of contenders.filter((c) => c.inProcess)) {
      const steps = options.profileSteps;
      log(
        `bench: profiling ${steps === 1 ? 'one' : steps} ${contender.name} step${steps === 1 ? '' : 's'}`,
      );
      console.log(`${renderProfile(await profileStep(contender, shape, 1, steps))}\n`);
    }
    return 0;
  }
  const results = await runHarness(contenders, shape, {
    warmup: options.warmup,
    repetitions: options.repetitions,
    profileMemory: true,
    log,
  });
  const mcEvaluation = options.mc
    ? await runMcEvaluation(shape, {
        sampleCounts: options.mcSamples,
        windows: options.mcWindows,
        repetitions: options.mcRepetitions,
        log,
      })
    : null;
  const report = buildReport({
    date: new Date(),
    command: commandLine(argv),
    quick: options.quick,
    machine: describeMachine(backend),
    shape,
    warmupRounds: options.warmup,
    timedRounds: options.repetitions,
    contenders: results,
    processPeakRssBytes: processPeakRssBytes(),
    mcEvaluation,
  });
  const outDir = options.outDir ?? benchRoot();
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'RESULTS.md'), renderMarkdown(report));
  console.log(renderTables(report));
  log(`bench: wrote ${join(outDir, 'results.json')} and RESULTS.md`);
  return results.some((entry) => entry.status === 'failed') ? 1 : 0;
}
