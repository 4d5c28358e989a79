import type { LmDropoutConfig } from '../lm-config.js';

/**
 * The dropout kinds every model's finite-difference test covers, by name: naive masks and
 * Gal's untied variational masks at rate 0.3, the masks fixed by the test's key.
 */
export const DROPOUT_CASES: readonly [string, { readonly dropout: LmDropoutConfig }][] = [
  ['naive dropout, masks fixed by the key', { dropout: { method: 'naive', rate: 0.3 } }],
  [
    'untied variational dropout',
    {
      dropout: {
        method: 'variational',
        embedding: 0.3,
        input: 0.3,
        recurrent: 0.3,
        output: 0.3,
        tied: false,
      },
    },
  ],
];
