import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createKey, selectBackend, splitKey } from '@bayesrnn/core';
import {
  createCaptionDecoder,
  createCaptionTask,
  DEFAULT_CAPTION_DECODER_CONFIG,
} from '@bayesrnn/models';
import { createPointPosterior } from '@bayesrnn/posteriors';
import type { RngKey } from '@bayesrnn/spec';
import { parseOptions, trainTimed, writeRunConfig } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { loadCaptionData } from './caption-data.js';
import { captionResults } from './caption-results.js';
import { locateFlickr8k } from './data-location.js';
import { dropoutFor } from './methods.js';
import { parseTrainOptions, TRAIN_HELP, TRAIN_OPTIONS } from './train-options.js';
import { captionUpdateRule } from './update-rule.js';

export { TRAIN_HELP };

/** `bayesrnn-caption train`: returns the process exit code. */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, TRAIN_OPTIONS);
  if (args.help) {
    console.log(TRAIN_HELP);
    return 0;
  }
  const config = parseTrainOptions(args);
  const kind = config.features === undefined ? 'blind' : 'features';
  const outDir = resolve(args.out ?? `runs/caption-${kind}-${config.method}-seed${config.seed}`);
  const backend = await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const dataDir = locateFlickr8k(args.data);
  const [dataKey, initKey, trainKey] = splitKey(createKey(config.seed), 3) as [
    RngKey,
    RngKey,
    RngKey,
  ];
  const data = await loadCaptionData(dataDir, config, dataKey);
  const model = createCaptionDecoder({
    ...DEFAULT_CAPTION_DECODER_CONFIG,
    vocabSize: data.vocabulary.size,
    featureSize: data.featureSize,
    hiddenSize: config.hiddenSize,
    embeddingSize: config.embeddingSize,
    dropout: dropoutFor(config.method, config.dropoutRate),
  });
  await writeRunConfig(outDir, config, { resume: args.resume === true });
  const { images, captions } = data.counts;
  console.error(
    `bayesrnn-caption: Flickr8k, ${kind === 'blind' ? 'no image features' : `${data.featureSize} features per image`}, ${config.method}, ` +
      `${images.train}/${images.valid}/${images.test} images (${captions.train}/${captions.valid}/${captions.test} captions), ` +
      `vocabulary ${data.vocabulary.size}, ${config.epochs} epochs × ${data.train.batchesPerEpoch} batches on ${backend.name} → ${outDir}`,
  );

  const posterior = createPointPosterior(model.weightSpecs, initKey);
  try {
    const task = createCaptionTask({
      model,
      posterior,
      train: data.train,
      evaluation: data.evaluation,
    });
    const { result, trainingSeconds, unitsPerSecond } = await trainTimed(task, {
      ...captionUpdateRule(config, data.train),
      key: trainKey,
      outDir,
      epochs: config.epochs,
      learningRate: config.learningRate,
      clipNorm: 5, // Gan et al. (2017) §2.6
      checkpointEvery: data.train.batchesPerEpoch,
      resume: args.resume === true ? 'auto' : false,
      testSplits: ['valid', 'test'],
      monitor: { split: 'valid', metric: 'nll', mode: 'min' },
    });
    const results = await captionResults({
      config,
      data,
      model,
      posterior,
      result,
      outDir,
      backend: backend.name,
      throughput: { trainingSeconds, tokensPerSecond: unitsPerSecond },
    });
    await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
    return 0;
  } finally {
    // Trained or refused (an existing run), the variables are freed: outDir holds the result.
    tf.dispose(Object.values(posterior.variables));
  }
}
