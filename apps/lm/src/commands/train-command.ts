import { resolve } from 'node:path';
import { createKey, disposeTree, selectBackend, splitKey } from '@bayesrnn/core';
import { createLanguageModel, createLanguageModelTask } from '@bayesrnn/models';
import {
  choiceOption,
  integerOption,
  numberOption,
  parseOptions,
  timedTask,
  train,
  UsageError,
  zarembaSchedule,
} from '@bayesrnn/train';
import { loadLmCorpus } from '../corpus.js';
import { locateCorpus } from '../data-location.js';
import { posteriorConfigFromOptions } from '../posterior-options.js';
import { PRESETS } from '../presets.js';
import { evaluateRun, type LmResults } from '../results.js';
import { checkResumableRun, type RunConfig, writeJson, writeRunSetup } from '../run-files.js';
import { runOptimizerFor } from '../run-optimizer.js';
import { clippingFor, createRunPosterior } from '../run-posterior.js';
import { withSampleAveraging } from '../sample-averaging.js';
import {
  isBayesian,
  isSampler,
  LM_CELLS,
  LM_METHODS,
  type LmDropoutChoice,
  type LmMethod,
  type LmPreset,
  modelConfigFor,
} from '../settings.js';

export const TRAIN_HELP = `Usage: bayesrnn-lm train [options]

Train a language model on Penn Treebank (or War and Peace characters: --preset gan-warpeace),
evaluate it on valid and test, write results.json.

Options:
  --data DIR            folder with ptb.{train,valid,test}.txt[.gz], or with warpeace_input.txt.gz
                        (default: $BAYESRNN_DATA, then ../shared/data/ptb or ../shared/data/warpeace)
  --preset NAME         ${Object.keys(PRESETS).join(', ')} (default tiny)
  --method NAME         plain | dropout (Zaremba) | variational (Gal) | bbb | bbb-sharpened
                        (Fortunato: Bayes by Backprop, with posterior sharpening) | sgld | psgld
                        (Gan: SG-MCMC, samples averaged) (default: the preset's)
  --cell NAME           lstm | gru | vanilla: override the preset's recurrent cell
  --seed N              random seed (default 1)
  --out DIR             run directory (default runs/<preset>-<method>[-<cell>]-seed<N>)
  --epochs N            override the preset's epochs
  --dropout NAME        none | naive | variational: override the method's dropout (e.g. psgld + dropout)
  --prior π,LS1,LS2     bbb methods: scale-mixture prior with weight π and log σ1, log σ2
                        (default 0.25,-1,-7, the official example; the paper's grid is
                        π ∈ {0.25,0.5,0.75}, log σ1 ∈ {0,-1,-2}, log σ2 ∈ {-6,-7,-8})
  --sharpen WHICH       bbb-sharpened: all (every Bayesian weight, the default) | recurrent (the
                        LSTM layers' weights only: a cheaper extra pass, about 1.95× a plain step
                        against 2.3× on PTB-small) | a comma list of embedding, layers, softmax
  --sharpen-sigma0 S    bbb-sharpened: σ0 of the sharpened draw θ ~ N(φ − η g, σ0²) (default 0.02)
  --sharpen-eta E       bbb-sharpened: η's initial value, learned per weight (default 1e-3)
  --clip-eta HOW        bbb-sharpened: together (default: one global norm, as the reference code)
                        | apart (η's gradients clipped by their own norm, so they cannot shrink
                        the weights' steps; see the README)
  --eta-clip-norm N     with --clip-eta apart: η's own clipping threshold (default: the preset's;
                        0.5 kept both the mean and the bound on cpu-small)
  --temperature T       sgld/psgld: posterior temperature (default 1, the textbook noise;
                        T < 1 shrinks the injected noise variance by T)
  --mc K                also evaluate with K Monte-Carlo passes at the end (fresh dropout masks
                        and, for bbb methods, a fresh weight draw per pass; probabilities averaged)
  --resume              continue the run in --out from its last checkpoint (or start it)
  --checkpoint-every N  checkpoint every N steps (default 200; also at every epoch end)
  --backend NAME        tensorflow | wasm | cpu (default: best available)
  -h, --help            this help`;

const OPTIONS = {
  data: { type: 'string' },
  preset: { type: 'string' },
  method: { type: 'string' },
  cell: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  epochs: { type: 'string' },
  mc: { type: 'string' },
  prior: { type: 'string' },
  sharpen: { type: 'string' },
  'sharpen-sigma0': { type: 'string' },
  'sharpen-eta': { type: 'string' },
  'clip-eta': { type: 'string' },
  'eta-clip-norm': { type: 'string' },
  temperature: { type: 'string' },
  dropout: { type: 'string' },
  resume: { type: 'boolean' },
  'checkpoint-every': { type: 'string' },
  backend: { type: 'string' },
} as const;

function presetNamed(name: string): LmPreset {
  const preset = PRESETS[name];
  if (preset === undefined)
    throw new UsageError(
      `--preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${name}'`,
    );
  return preset;
}

/** `--temperature T` for sgld/psgld: a finite number ≥ 0. */
function samplerTemperature(value: string, method: LmMethod): number {
  if (!isSampler(method)) {
    throw new UsageError(`--temperature applies to sgld and psgld, not --method ${method}`);
  }
  return numberOption(value, 'temperature', 1, 0);
}

/** `bayesrnn-lm train`: returns the process exit code. */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(TRAIN_HELP);
    return 0;
  }
  const presetName = args.preset ?? 'tiny';
  const preset = presetNamed(presetName);
  const method = choiceOption<LmMethod>(args.method, 'method', LM_METHODS, preset.defaultMethod);
  const seed = integerOption(args.seed, 'seed', 1);
  const cell = choiceOption(args.cell, 'cell', LM_CELLS, preset.model.cell);
  const training = {
    ...preset.training,
    epochs: integerOption(args.epochs, 'epochs', preset.training.epochs, 1),
    // A posterior's prior regularises; weight decay would count it twice.
    ...(isBayesian(method) ? { weightDecay: 0 } : {}),
    ...(args.temperature === undefined
      ? {}
      : { temperature: samplerTemperature(args.temperature, method) }),
  };
  const mcSamples = integerOption(args.mc, 'mc', 0);
  const posteriorConfig = posteriorConfigFromOptions(method, args);
  const cellPart = args.cell === undefined ? '' : `-${cell}`;
  const outDir = resolve(args.out ?? `runs/${presetName}-${method}${cellPart}-seed${seed}`);
  const backend = await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const dataDir = locateCorpus(preset.data.corpus ?? 'ptb', args.data);
  const corpus = await loadLmCorpus(dataDir, preset.data, training);
  const dropout =
    args.dropout === undefined
      ? undefined
      : choiceOption<LmDropoutChoice>(
          args.dropout,
          'dropout',
          ['none', 'naive', 'variational'],
          'none',
        );
  const model = createLanguageModel(
    modelConfigFor(preset, method, corpus.vocabulary.size, dropout, cell),
  );
  const config: RunConfig = {
    preset: presetName,
    method,
    seed,
    dataDir,
    model: model.config,
    training,
    data: preset.data,
    posterior: posteriorConfig,
  };
  if (args.resume === true) await checkResumableRun(outDir, config);
  await writeRunSetup(outDir, config, corpus.vocabulary);
  console.error(
    `bayesrnn-lm: ${presetName}/${method}, vocabulary ${corpus.vocabulary.size}, ${corpus.tokens.train} training tokens, ` +
      `${corpus.train.windowsPerEpoch} windows/epoch × ${training.epochs} epochs → ${outDir}`,
  );

  const [initKey = createKey(0), trainKey = createKey(1), evalKey = createKey(2)] = splitKey(
    createKey(seed),
    3,
  );
  const { posterior } = createRunPosterior(posteriorConfig, model, initKey);
  try {
    const task = timedTask(
      createLanguageModelTask({
        model,
        posterior,
        train: corpus.train,
        evaluation: corpus.evaluation,
        resetStateEachWindow: preset.resetStateEachWindow === true,
      }),
    );
    const { optimizer, sampleBank } = runOptimizerFor(method, preset, training, corpus.train);
    const started = performance.now();
    const result = await train(task, {
      key: trainKey,
      outDir,
      epochs: training.epochs,
      optimizer,
      learningRate: zarembaSchedule({
        learningRate: training.learningRate,
        decay: training.decay,
        decayStart: training.decayStart,
      }),
      clipNorm: training.clipNorm,
      ...clippingFor(posteriorConfig),
      checkpointEvery: integerOption(args['checkpoint-every'], 'checkpoint-every', 200, 1),
      resume: args.resume === true ? 'auto' : false,
      testSplits: ['valid', 'test'],
      // A chain's last iterate is its last sample, not the best validation point.
      ...(sampleBank === undefined ? {} : { sampleBank, restoreBest: false }),
    });
    const trainingSeconds = (performance.now() - started) / 1000 - task.evaluationSeconds();
    const evaluated: LmResults = await evaluateRun({
      method,
      preset: presetName,
      seed,
      backend: backend.name,
      model,
      weights: posterior,
      corpus,
      result,
      mcSamples,
      evalKey,
      // Steps of this process only: a resumed run's earlier steps took no time here.
      tokensPerSecond:
        (task.stepsRun() * corpus.train.batchSize * corpus.train.steps) /
        Math.max(trainingSeconds, 1e-9),
      trainingSeconds,
    });
    const results =
      sampleBank === undefined
        ? evaluated
        : await withSampleAveraging(evaluated, outDir, model, corpus);
    await writeJson(resolve(outDir, 'results.json'), results);
    console.log(JSON.stringify(results, null, 2));
    return 0;
  } finally {
    // Trained or refused (an existing run), the variables are freed: outDir holds the result.
    disposeTree(Object.values(posterior.variables));
  }
}
