import type { LmPreset } from './settings.js';

const LSTM = { cell: 'lstm', tiedEmbeddings: false, forgetBias: 0 } as const;
const ZAREMBA_SGD = {
  optimizer: 'sgd',
  learningRate: 1,
  batchSize: 20,
  weightDecay: 0,
  evalBatchSize: 10,
} as const;
/** Gal's large rates (papers.md §3.2): p_x = p_h = 0.3, p_i = p_o = 0.5, untied. */
const GAL_RATES = { embedding: 0.3, input: 0.5, recurrent: 0.3, output: 0.5, tied: false } as const;

/** Every preset, by `--preset` name. */
export const PRESETS: Readonly<Record<string, LmPreset>> = {
  tiny: {
    description: 'smoke run: 1×64 LSTM, Adam, 300 steps on full PTB (about 2 minutes on 2 cores)',
    model: { ...LSTM, embeddingSize: 64, hiddenSize: 64, layers: 1, initScale: 0.1 },
    training: {
      ...ZAREMBA_SGD,
      optimizer: 'adam',
      learningRate: 3e-3,
      decay: 1,
      decayStart: 1,
      epochs: 1,
      maxWindowsPerEpoch: 300,
      steps: 20,
      clipNorm: 5,
      evalBatchSize: 20,
    },
    data: {},
    defaultMethod: 'plain',
    naiveRate: 0.5,
    variational: { embedding: 0.1, input: 0.25, recurrent: 0.1, output: 0.25, tied: false },
    // No `sampling`: SG-MCMC smoke runs burn in for 1/4 of the steps, then keep 20 samples.
  },
  'cpu-sgmcmc': {
    description:
      'papers.md §2.8: first 100k PTB tokens, 2k vocabulary, 1×128 LSTM, batch 32 × 20 zero-state windows, RMSprop/pSGLD lr 1e-3, 10 epochs, burn-in 2 epochs, a sample every 50 steps',
    model: { ...LSTM, embeddingSize: 128, hiddenSize: 128, layers: 1, initScale: 0.1 },
    training: {
      optimizer: 'rmsprop',
      learningRate: 1e-3,
      decay: 1,
      decayStart: 1,
      epochs: 10,
      batchSize: 32,
      steps: 20,
      clipNorm: 5,
      weightDecay: 0,
      evalBatchSize: 20,
    },
    data: { maxVocabulary: 2000, trainTokens: 100_000, validTokens: 20_000 },
    defaultMethod: 'psgld',
    naiveRate: 0.5,
    variational: { embedding: 0.25, input: 0.5, recurrent: 0.25, output: 0.5, tied: false },
    // 156 windows per epoch: burn-in 2 epochs, then 24 samples over the last 8.
    sampling: { burnInSteps: 312, thinning: 50, maxSamples: 1000 },
    resetStateEachWindow: true,
  },
  'gan-small': {
    description:
      'Gan et al. 2017 small: 2×200 LSTM, zero-state 20-step windows, SGLD lr 1 halved per epoch after 4, 13 epochs, burn-in 4 epochs, a sample every 400 updates',
    model: { ...LSTM, embeddingSize: 200, hiddenSize: 200, layers: 2, initScale: 0.1 },
    training: { ...ZAREMBA_SGD, decay: 2, decayStart: 4, epochs: 13, steps: 20, clipNorm: 5 },
    data: {},
    defaultMethod: 'sgld',
    naiveRate: 0.5,
    variational: GAL_RATES,
    sampling: { burnInSteps: 4 * 2323, thinning: 400, maxSamples: 1000 },
    resetStateEachWindow: true,
  },
  'cpu-small': {
    description:
      'papers.md §3.4: first 100k PTB tokens, 2k vocabulary, 1×128 LSTM, SGD lr 1, clip 5, 8 epochs',
    model: { ...LSTM, embeddingSize: 128, hiddenSize: 128, layers: 1, initScale: 0.1 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1.2,
      decayStart: 4,
      epochs: 8,
      steps: 35,
      clipNorm: 5,
      weightDecay: 1e-6,
    },
    data: { maxVocabulary: 2000, trainTokens: 100_000, validTokens: 20_000 },
    defaultMethod: 'plain',
    naiveRate: 0.5,
    variational: { embedding: 0.25, input: 0.5, recurrent: 0.25, output: 0.5, tied: false },
  },
  'zaremba-small': {
    description:
      'Zaremba et al. 2014 small: 2×200 LSTM, no dropout, lr 1 halved per epoch after 4, 13 epochs',
    model: { ...LSTM, embeddingSize: 200, hiddenSize: 200, layers: 2, initScale: 0.1 },
    training: { ...ZAREMBA_SGD, decay: 2, decayStart: 4, epochs: 13, steps: 20, clipNorm: 5 },
    data: {},
    defaultMethod: 'plain',
    naiveRate: 0.5,
    variational: GAL_RATES,
  },
  'zaremba-medium': {
    description:
      'Zaremba et al. 2014 medium: 2×650 LSTM, dropout 0.5, lr 1 ÷1.2 after epoch 6, 39 epochs',
    model: { ...LSTM, embeddingSize: 650, hiddenSize: 650, layers: 2, initScale: 0.05 },
    training: { ...ZAREMBA_SGD, decay: 1.2, decayStart: 6, epochs: 39, steps: 35, clipNorm: 5 },
    data: {},
    defaultMethod: 'dropout',
    naiveRate: 0.5,
    variational: { embedding: 0.2, input: 0.5, recurrent: 0.2, output: 0.5, tied: false },
  },
  'zaremba-large': {
    description:
      'Zaremba et al. 2014 large: 2×1500 LSTM, dropout 0.65, lr 1 ÷1.15 after epoch 14, 55 epochs',
    model: { ...LSTM, embeddingSize: 1500, hiddenSize: 1500, layers: 2, initScale: 0.04 },
    training: { ...ZAREMBA_SGD, decay: 1.15, decayStart: 14, epochs: 55, steps: 35, clipNorm: 10 },
    data: {},
    defaultMethod: 'dropout',
    naiveRate: 0.65,
    variational: GAL_RATES,
  },
  'fortunato-medium': {
    description:
      'Fortunato et al. 2017 medium BBB: 2×650 LSTM, SGD lr 1 for 20 epochs then ×0.9 per epoch, clip 5, 70 epochs',
    model: { ...LSTM, embeddingSize: 650, hiddenSize: 650, layers: 2, initScale: 0.05 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1 / 0.9,
      // Epochs 1–20 at lr 1, ×0.9 from epoch 21 (zarembaSchedule's decayStart counts from 0).
      decayStart: 19,
      epochs: 70,
      steps: 35,
      clipNorm: 5,
      evalBatchSize: 20,
    },
    data: {},
    defaultMethod: 'bbb',
    naiveRate: 0.5,
    variational: { embedding: 0.2, input: 0.5, recurrent: 0.2, output: 0.5, tied: false },
  },
  'gal-medium': {
    description:
      'Gal & Ghahramani 2016 medium: 2×650 variational LSTM (untied), ÷1.2 after epoch 6, 39 epochs',
    model: { ...LSTM, embeddingSize: 650, hiddenSize: 650, layers: 2, initScale: 0.05 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1.2,
      decayStart: 6,
      epochs: 39,
      steps: 35,
      clipNorm: 5,
      weightDecay: 1e-7,
    },
    data: {},
    defaultMethod: 'variational',
    naiveRate: 0.5,
    // Medium rates are not in the released code (papers.md §3.2): the grid's middle.
    variational: { embedding: 0.2, input: 0.5, recurrent: 0.2, output: 0.5, tied: false },
  },
  'gal-large': {
    description:
      'Gal & Ghahramani 2016 large: 2×1500 variational LSTM (untied), ÷1.15 after epoch 10, 55 epochs',
    model: { ...LSTM, embeddingSize: 1500, hiddenSize: 1500, layers: 2, initScale: 0.04 },
    training: {
      ...ZAREMBA_SGD,
      decay: 1.15,
      decayStart: 10,
      epochs: 55,
      steps: 35,
      clipNorm: 10,
      weightDecay: 1e-7,
    },
    data: {},
    defaultMethod: 'variational',
    naiveRate: 0.65,
    variational: GAL_RATES,
  },
  'gan-warpeace': {
    description:
      'Gan et al. 2017 characters (Table 2): War and Peace, 2×128 LSTM (--cell gru|vanilla), 100 streams × 100-character windows, RMSprop/pSGLD lr 2e-3, clip 5, 5 epochs (CPU scale; the paper runs char-rnn to convergence)',
    // char-rnn feeds one-hot characters; an embedding of 128 ≥ 84 characters spans the same
    // functions. Its init is U±0.08, its RMSprop lr 2e-3 (×0.97 per epoch after epoch 10).
    model: { ...LSTM, embeddingSize: 128, hiddenSize: 128, layers: 2, initScale: 0.08 },
    training: {
      optimizer: 'rmsprop',
      learningRate: 2e-3,
      decay: 1 / 0.97,
      // Epochs 1–10 at 2e-3, ×0.97 per epoch from epoch 11 (decayStart counts from 0).
      decayStart: 9,
      epochs: 5,
      batchSize: 100,
      steps: 100,
      clipNorm: 5,
      weightDecay: 0,
      evalBatchSize: 100,
    },
    data: { corpus: 'warpeace' },
    defaultMethod: 'psgld',
    naiveRate: 0.5,
    variational: { embedding: 0, input: 0.25, recurrent: 0.25, output: 0.25, tied: false },
    // 259 windows per epoch: burn-in 2 epochs, then a sample every 52 steps (5 per epoch; each
    // kept sample costs a pass over valid and test when the run ends).
    sampling: { burnInSteps: 2 * 259, thinning: 52, maxSamples: 1000 },
  },
};
