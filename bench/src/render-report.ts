import type { BenchReport } from './bench-report.js';
import { formatFixed, formatInteger, formatInterval, formatMiB, formatRange } from './format.js';
import type { MachineInfo } from './machine.js';
import { markdownTable } from './markdown-table.js';
import { LINEAR_TOLERANCE } from './mc-evaluation.js';

function contenderTable(report: BenchReport): string {
  const rows = report.contenders.map((entry) => [
    entry.name,
    entry.status === 'ok' ? 'ok' : `${entry.status}: ${entry.reason ?? ''}`,
    formatRange(entry.tokensPerSecond, formatInteger),
    formatRange(entry.stepSeconds, (value) => value.toFixed(3)),
    entry.coresBusy === undefined ? '–' : entry.coresBusy.median.toFixed(2),
    formatMiB(entry.memory?.tfPeakBytes),
    formatMiB(entry.memory?.tfResidentBytes),
    formatMiB(entry.memory?.peakRssBytes ?? entry.memory?.rssAfterStepBytes),
  ]);
  return markdownTable(
    [
      'contender',
      'status',
      'tokens/s median (min–max)',
      'step s median (min–max)',
      'cores busy',
      'tf peak MiB',
      'tf resident MiB',
      'RSS MiB',
    ],
    rows,
  );
}

function ratioTable(report: BenchReport): string {
  const rows = report.ratioDefinitions.map((definition) => [
    definition.key,
    formatFixed(report.ratios[definition.key], 2),
    formatInterval(report.ratioIntervals[definition.key]),
    definition.target,
    `${definition.numerator} / ${definition.denominator} (${definition.metric === 'tokensPerSecond' ? 'tokens/s, higher is better' : 'step time, lower is better'})`,
  ]);
  return markdownTable(['ratio', 'value', '95% interval', 'target', 'what'], rows);
}

function mcTable(report: BenchReport): string {
  const mc = report.mcEvaluation;
  if (mc === null) return 'MC evaluation: not run (--no-mc).';
  const rows = mc.points.map((point) => [
    String(point.samples),
    formatRange(point.seconds, (value) => value.toFixed(3)),
    formatInteger(point.tokensPerSecond),
    formatInteger(point.tokenPassesPerSecond),
    point.secondsPerPass.toFixed(3),
  ]);
  const verdict = mc.linear ? 'yes' : 'no';
  return [
    markdownTable(
      ['MC samples', 'seconds median (min–max)', 'tokens/s', 'token-passes/s', 's per pass'],
      rows,
    ),
    '',
    `Cost linear in samples: **${verdict}** (seconds per MC pass vary by ${mc.perPassSpread.toFixed(2)}× across 2, 4, 8 samples; linear means ≤ ${LINEAR_TOLERANCE}×). ` +
      `An MC pass (masks on) costs ${formatFixed(mc.stochasticOverDeterministic, 2)}× the deterministic pass (1 sample, masks off). ` +
      `${mc.model}, ${mc.windows} windows, ${mc.tokens} tokens, ${mc.repetitions} round(s).`,
  ].join('\n');
}

/** The three tables (contenders, ratios, MC evaluation) as Markdown, also printed to stdout. */
export function renderTables(report: BenchReport): string {
  return [contenderTable(report), '', ratioTable(report), '', mcTable(report)].join('\n');
}

function threadsFlag(backend: MachineInfo['backend']): string {
  if (backend.threadCount !== undefined) {
    const why = backend.threadsReason ? `: ${backend.threadsReason}` : '';
    return `${backend.threadCount} thread${backend.threadCount === 1 ? '' : 's'}${why}`;
  }
  return backend.threads === undefined ? '' : `threads ${backend.threads ? 'on' : 'off'}`;
}

function fmaFlag(backend: MachineInfo['backend']): string {
  if (backend.fusedMultiplyAdd === undefined) return '';
  if (backend.fusedMultiplyAdd) return 'FMA on';
  return `FMA off${backend.fusedMultiplyAddReason ? `: ${backend.fusedMultiplyAddReason}` : ''}`;
}

function machineLines(report: BenchReport): string[] {
  const { machine, pytorch } = report;
  const flags = [
    machine.backend.device === undefined ? '' : `on ${machine.backend.device}`,
    machine.backend.simd === undefined ? '' : `SIMD ${machine.backend.simd ? 'on' : 'off'}`,
    fmaFlag(machine.backend),
    threadsFlag(machine.backend),
  ].filter((flag) => flag !== '');
  return [
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${formatMiB(machine.memoryBytes)} MiB RAM, ${machine.platform}; 1-minute load average ${machine.loadAverage.toFixed(2)} at the end of the run`,
    `- Node ${machine.node}, tfjs ${machine.tfjs}, backend **${machine.backend.name}**${flags.length > 0 ? ` (${flags.join(', ')})` : ''} — ${machine.backend.reason}`,
    pytorch === null
      ? '- PyTorch: not measured'
      : `- PyTorch ${pytorch.version} (Python ${pytorch.python}) on ${pytorch.device === 'cpu' ? 'the CPU' : `**${pytorch.device}**`}, ${pytorch.threads} torch thread(s), BLAS: **${pytorch.blas}**${pytorch.openblasThreads === null ? '' : ` with ${pytorch.openblasThreads} OpenBLAS thread(s)`} (${pytorch.blasLibraries.join(', ') || 'no BLAS library mapped'})`,
    `- Date: ${report.date}`,
    `- Command: \`${report.command}\``,
  ];
}

/** RESULTS.md: machine and versions, the tables, and how to read them. */
export function renderMarkdown(report: BenchReport): string {
  const { shape, settings } = report;
  return [
    '# Benchmark results',
    '',
    ...machineLines(report),
    '',
    `Shape: embedding ${shape.embeddingSize}, ${shape.layers} × LSTM ${shape.hiddenSize}, vocabulary ${formatInteger(shape.vocabSize)}, ` +
      `batch ${shape.batchSize} × ${shape.steps} steps, synthetic token ids (seed ${shape.seed}). ` +
      `${settings.warmupRounds} warm-up and ${settings.timedRounds} timed rounds${report.quick ? ' (--quick)' : ''}; ${settings.interleaving}`,
    '',
    '## Training step',
    '',
    renderTables(report),
    '',
    '## Reading the figures',
    '',
    '- One step = forward, backward, clipping (ours, PyTorch; tfjs-layers has none), the Adam/RMSprop update and a read-back.',
    '- tokens/s = batch × steps / median step time; ratios come from the medians. The 95% interval of a ratio is a bootstrap over the timed rounds, resampled whole (both contenders of a round together, so load that slows a round slows both): read a target as met or missed only when the interval is on one side of it.',
    "- cores busy = this process's CPU time (all threads) over the wall time of a step, median: how much of the machine an in-process step keeps working (PyTorch's runs elsewhere: –).",
    '- Memory: tf peak = `tf.profile(step).peakBytes`; tf resident = what its setup and steps added to `tf.memory().numBytes` (weights, optimiser and carried state); RSS = the largest process RSS right after a step (shared by the in-process contenders) or, for PyTorch, its own peak RSS. ' +
      `This process's RSS high-water mark: ${formatMiB(report.processPeakRssBytes)} MiB.`,
    '- The machine may be shared with other work: timings are noisy; compare ratios from one run rather than figures across runs.',
    '',
  ].join('\n');
}
