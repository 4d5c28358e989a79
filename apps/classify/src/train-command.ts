import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createKey, selectBackend, splitKey } from '@bayesrnn/core';
import {
  createClassifierTask,
  createSentenceClassifier,
  DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
} from '@bayesrnn/models';
import { createPointPosterior } from '@bayesrnn/posteriors';
import type { RngKey } from '@bayesrnn/spec';
import { integerOption, parseOptions, trainTimed, writeRunConfig } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { classifierResults } from './classifier-results.js';
import { locateSentenceData } from './data-location.js';
import { loadClassificationSplits } from './dataset-splits.js';
import { dropoutFor } from './methods.js';
import { parseTrainOptions, TRAIN_HELP, TRAIN_OPTIONS } from './train-options.js';
import { updateRuleFor } from './update-rule.js';

export { TRAIN_HELP };

/** `bayesrnn-classify train`: returns the process exit code. */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, TRAIN_OPTIONS);
  if (args.help) {
    console.log(TRAIN_HELP);
    return 0;
  }
  const config = parseTrainOptions(args);
  const mcSamples = integerOption(args.mc, 'mc', 0);
  const outDir = resolve(
    args.out ??
      `runs/classify-${config.dataset}-${config.method}-fold${config.fold}-seed${config.seed}`,
  );
  const backend = await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const dataDir = locateSentenceData(config.dataset, args.data);
  const [dataKey, initKey, trainKey, evalKey] = splitKey(createKey(config.seed), 4) as [
    RngKey,
    RngKey,
    RngKey,
    RngKey,
  ];
  const splits = await loadClassificationSplits(dataDir, config.dataset, {
    fold: config.fold,
    folds: config.folds,
    validFraction: config.validFraction,
    batchSize: config.batchSize,
    key: dataKey,
  });
  const model = createSentenceClassifier({
    ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
    vocabSize: splits.vocabulary.size,
    classes: splits.classes.length,
    hiddenSize: config.hiddenSize,
    embeddingSize: config.embeddingSize,
    dropout: dropoutFor(config.method, config.dropoutRate),
  });
  await writeRunConfig(outDir, config, { resume: args.resume === true });
  const { counts } = splits;
  console.error(
    `bayesrnn-classify: ${config.dataset} (${splits.testSplit} test), ${config.method}, ` +
      `${counts.train}/${counts.valid}/${counts.test} sentences, vocabulary ${splits.vocabulary.size}, ` +
      `${config.epochs} epochs × ${splits.train.batchesPerEpoch} batches on ${backend.name} → ${outDir}`,
  );

  const posterior = createPointPosterior(model.weightSpecs, initKey);
  try {
    const task = createClassifierTask({
      model,
      posterior,
      train: splits.train,
      evaluation: splits.evaluation,
    });
    const rule = updateRuleFor(config, splits.train);
    const { result, trainingSeconds, unitsPerSecond } = await trainTimed(task, {
      key: trainKey,
      outDir,
      epochs: config.epochs,
      optimizer: rule.optimizer,
      learningRate: config.learningRate,
      // Gan et al. (2017) §2.6: gradient norm clipped at 5.
      clipNorm: 5,
      checkpointEvery: splits.train.batchesPerEpoch,
      resume: args.resume === true ? 'auto' : false,
      testSplits: ['valid', 'test'],
      monitor: { split: 'valid', metric: 'error', mode: 'min' },
      // A chain's last iterate is its last sample, not the best validation point.
      ...(rule.sampleBank === undefined ? {} : { sampleBank: rule.sampleBank, restoreBest: false }),
    });
    const results = await classifierResults({
      config,
      splits,
      model,
      posterior,
      result,
      outDir,
      backend: backend.name,
      mcSamples,
      evalKey,
      throughput: {
        trainingSeconds,
        sentencesPerSecond: unitsPerSecond,
      },
    });
    await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
    return 0;
  } finally {
    // Trained or refused (an existing run), the variables are freed: outDir holds the result.
    tf.dispose(Object.values(posterior.variables));
  }
}
