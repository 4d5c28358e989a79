// Re-exports by name only; see the files beside it.
export { type AdamConfig, type AdamState, createAdam, DEFAULT_ADAM_CONFIG } from './adam.js';
export {
  ADAM_STEP_KERNEL,
  type AdamUpdate,
  type AdamUpdateScalars,
  adamUpdate,
  composedAdamUpdate,
} from './adam-update.js';
export { type BestModelInfo, restoreBestModel } from './best-model.js';
export {
  choiceOption,
  integerOption,
  numberOption,
  type OptionValues,
  parseOptions,
  UsageError,
} from './cli-options.js';
export {
  type ClipGroups,
  clipByGroup,
  type GroupClipNorms,
  type GroupClipping,
  gradientsByGroup,
} from './clip-groups.js';
export {
  type CommandEntry,
  type CommandLineProgram,
  runCommandLine,
} from './command-line.js';
export {
  type EarlyStoppingState,
  type EarlyStoppingUpdate,
  INITIAL_EARLY_STOPPING_STATE,
  type MonitorConfig,
  updateEarlyStopping,
} from './early-stopping.js';
export {
  type JsonlLog,
  type LogRecord,
  type OpenJsonlLogOptions,
  openJsonlLog,
  readJsonlLog,
} from './jsonl-log.js';
export {
  constantSchedule,
  GAL_LARGE_SCHEDULE,
  type LearningRateSchedule,
  type SchedulePosition,
  ZAREMBA_LARGE_SCHEDULE,
  ZAREMBA_MEDIUM_SCHEDULE,
  type ZarembaScheduleConfig,
  zarembaSchedule,
} from './learning-rate-schedule.js';
export type { Gradients, Optimizer, OptimizerState } from './optimizer.js';
export {
  createConsoleReporter,
  formatDuration,
  formatProgress,
  type ProgressReporter,
  type ProgressStream,
  type TrainProgress,
} from './progress-reporter.js';
export {
  createRmsprop,
  DEFAULT_RMSPROP_CONFIG,
  type RmspropConfig,
  type RmspropState,
} from './rmsprop.js';
export {
  composedRmspropUpdate,
  RMSPROP_STEP_KERNEL,
  type RmspropUpdate,
  type RmspropUpdateScalars,
  rmspropUpdate,
} from './rmsprop-update.js';
export { checkSameRunConfig, writeRunConfig } from './run-config-file.js';
export {
  createSampleBank,
  openSampleBank,
  type SampleBank,
  type SampleBankOptions,
  thinnedSampleBank,
} from './sample-bank.js';
export { createSamplerOptimizer } from './sampler-optimizer.js';
export { createSgd, DEFAULT_SGD_CONFIG, type SgdConfig, type SgdState } from './sgd.js';
export { type TimedTask, timedTask } from './timed-task.js';
export { type TimedTraining, trainTimed } from './timed-training.js';
export { train } from './train.js';
export {
  DEFAULT_TRAIN_CONFIG,
  type StopReason,
  type TrainConfig,
  type TrainOptions,
  type TrainResult,
} from './train-config.js';
export type {
  EvaluationResult,
  TrainTask,
  TrainVariables,
  WindowContext,
  WindowLoss,
} from './train-task.js';
export { type DivergenceReport, TrainingDivergedError } from './training-diverged-error.js';
export {
  runTrainingStep,
  type TrainingStepInput,
  type TrainingStepResult,
} from './training-step.js';
