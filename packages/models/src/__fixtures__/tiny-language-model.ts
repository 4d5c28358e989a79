// Test helpers (not exported, not published): the small language model and corpus the
// Bayesian language-model tests share.
import { createLanguageModel, type LanguageModel } from '../language-model.js';
import { DEFAULT_LANGUAGE_MODEL_CONFIG } from '../lm-config.js';

/** A 1 × 3 LSTM over 7 words, embedding 3, untied softmax, no dropout. */
export function tinyLanguageModel(): LanguageModel {
  return createLanguageModel({
    ...DEFAULT_LANGUAGE_MODEL_CONFIG,
    vocabSize: 7,
    embeddingSize: 3,
    hiddenSize: 3,
    layers: 1,
  });
}

/** `length` token ids in [0, 7) with a little structure: `(3i + i mod 4) mod 7`. */
export function tinyCorpus(length: number): Int32Array {
  return Int32Array.from({ length }, (_, i) => (i * 3 + (i % 4)) % 7);
}
