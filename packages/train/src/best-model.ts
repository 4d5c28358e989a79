import { type JsonValue, loadCheckpoint, saveCheckpoint } from '@bayesrnn/core';
import type { EvaluationResult, TrainVariables } from './train-task.js';

/** An evaluation as JSON: non-finite numbers become strings (`"NaN"`), which JSON can hold. */
export function evaluationJson(result: EvaluationResult): { [metric: string]: JsonValue } {
  const json: { [metric: string]: JsonValue } = {};
  for (const [metric, value] of Object.entries(result)) {
    json[metric] = Number.isFinite(value) ? value : String(value);
  }
  return json;
}

/** What `outDir/best/manifest.json` says about the model it holds. */
export interface BestModelInfo {
  readonly epoch: number;
  readonly step: number;
  readonly metric: string;
  readonly value: number;
  readonly evaluation: EvaluationResult;
}

/**
 * Saves the variables, under their own names, as the best model (`outDir/best`), atomically
 * replacing the previous best. Anyone can load it with core's `loadCheckpoint`, passing the
 * model's `weightSpecs` as `expect`.
 */
export async function saveBestModel(
  dir: string,
  variables: TrainVariables,
  info: BestModelInfo,
): Promise<void> {
  const { epoch, step, metric, value, evaluation } = info;
  await saveCheckpoint(dir, variables, {
    kind: 'bayesrnn-best-model',
    epoch,
    step,
    metric,
    value,
    evaluation: evaluationJson(evaluation),
  });
}

/** Loads `dir` (a best model) into `variables` with `assign`, checking names and shapes. */
export async function restoreBestModel(dir: string, variables: TrainVariables): Promise<void> {
  const expect: Record<string, { shape: readonly number[] }> = {};
  for (const [name, variable] of Object.entries(variables))
    expect[name] = { shape: variable.shape };
  const { tensors } = await loadCheckpoint(dir, { expect });
  try {
    for (const [name, variable] of Object.entries(variables)) {
      const value = tensors[name];
      if (value !== undefined) variable.assign(value);
    }
  } finally {
    for (const tensor of Object.values(tensors)) tensor.dispose();
  }
}
