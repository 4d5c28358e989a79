/** The facts `TrainingDivergedError` carries. */
export interface DivergenceReport {
  /** One-based number of the step whose loss or gradient norm was not finite. */
  readonly step: number;
  /** Zero-based epoch and window of that step. */
  readonly epoch: number;
  readonly window: number;
  /** The offending values as read (NaN, ±Infinity, or finite for the one that was fine). */
  readonly loss: number;
  readonly gradientNorm: number;
  /** The step's loss parts as read (one of them may be the non-finite value). */
  readonly parts: { readonly [name: string]: number };
  /** The last finite loss of this process, `undefined` if the first step diverged. */
  readonly lastFiniteLoss: number | undefined;
  /** The last good checkpoint (untouched by the failed step), `undefined` if none was saved. */
  readonly checkpointPath: string | undefined;
}

/** Names every non-finite value, e.g. `loss NaN, gradient norm NaN`. */
function nonFinite(report: DivergenceReport): string {
  const values: [string, number][] = [
    ['loss', report.loss],
    ['gradient norm', report.gradientNorm],
    ...Object.entries(report.parts).map(([name, value]): [string, number] => [
      `loss part "${name}"`,
      value,
    ]),
  ];
  const bad = values.filter(([, value]) => !Number.isFinite(value));
  return bad.map(([what, value]) => `${what} ${value}`).join(', ');
}

function describe(report: DivergenceReport): string {
  const what = `${nonFinite(report)} (loss ${report.loss}, gradient norm ${report.gradientNorm})`;
  const last =
    report.lastFiniteLoss === undefined
      ? 'no earlier finite loss in this process'
      : `last finite loss ${report.lastFiniteLoss}`;
  const checkpoint =
    report.checkpointPath === undefined
      ? 'no checkpoint was saved yet'
      : `last good checkpoint ${report.checkpointPath} (resume from it, e.g. with a lower learning rate)`;
  return (
    `Training diverged at step ${report.step} (epoch ${report.epoch}, window ${report.window}): ` +
    `not finite: ${what}; ${last}; ${checkpoint}. The update was not applied.`
  );
}

/**
 * Thrown by `train` when a step's loss or global gradient norm is NaN or ±Infinity. The
 * update of that step is not applied and no checkpoint is written, so the last good
 * checkpoint stays as it was. The message names the step; the fields carry the same facts.
 */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
  readonly step: number;
  readonly epoch: number;
  readonly window: number;
  readonly loss: number;
  readonly gradientNorm: number;
  readonly parts: { readonly [name: string]: number };
  readonly lastFiniteLoss: number | undefined;
  readonly checkpointPath: string | undefined;

  constructor(report: DivergenceReport) {
    super(describe(report));
    this.step = report.step;
    this.epoch = report.epoch;
    this.window = report.window;
    this.loss = report.loss;
    this.gradientNorm = report.gradientNorm;
    this.parts = report.parts;
    this.lastFiniteLoss = report.lastFiniteLoss;
    this.checkpointPath = report.checkpointPath;
  }
}
