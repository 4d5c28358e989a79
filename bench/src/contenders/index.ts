import type { Contender } from '../contender.js';
import { bbb } from './bbb.js';
import { bbbSharpened, bbbSharpenedRecurrent } from './bbb-sharpened.js';
import { gru } from './gru.js';
import { plain } from './plain.js';
import { psgld } from './psgld.js';
import { pytorch, pytorchBbb } from './pytorch.js';
import { rmsprop } from './rmsprop.js';
import { tfjsLayers } from './tfjs-layers.js';
import { variational } from './variational.js';

/**
 * Every contender, in round-robin order. To add one, write `src/contenders/<name>.ts`
 * exporting a `Contender` and list it here; the ratios pick it up by name (see ratios.ts:
 * `bbb`, `bbb-sharpened`, `psgld` are expected names).
 */
export const CONTENDERS: readonly Contender[] = [
  plain,
  variational,
  gru,
  bbb,
  bbbSharpened,
  bbbSharpenedRecurrent,
  rmsprop,
  psgld,
  tfjsLayers,
  pytorch,
  pytorchBbb,
];
