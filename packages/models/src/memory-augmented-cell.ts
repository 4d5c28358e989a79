import { checkPositiveInteger, checkShape, glorotUniform, tidyTree, zeros } from '@bayesrnn/core';
import type {
  Cell,
  CellStepResult,
  Initializer,
  Memory,
  NamedTensorTree,
  WeightSpecs,
  Weights,
  WindowOptions,
} from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** A controller cell whose weight names, state and window the wrapper treats generically. */
export type ControllerCell = Cell<string, NamedTensorTree, unknown>;

/** A memory whose control and state the wrapper treats generically. */
export type AnyMemory = Memory<NamedTensorTree, NamedTensorTree>;

/** The controller cell and the memory it drives. */
export interface MemoryAugmentedCellConfig {
  /** Columns of each step's external input x_t. */
  readonly inputSize: number;
  /** The controller; its `inputSize` must be `inputSize + memory.readSize` (it reads [x_t; r_{t−1}]). */
  readonly controller: ControllerCell;
  /** NTM, LRU, DNC, introspective (`@bayesrnn/memory`) or any `Memory`. */
  readonly memory: AnyMemory;
  /** Initialiser of the interface kernel; default Glorot uniform, as DeepMind's DNC. */
  readonly interfaceInit?: Initializer;
}

/** `{controller, memory, readVector}`: the controller's and the memory's state and r_{t−1}. */
export interface MemoryAugmentedState {
  readonly [name: string]: NamedTensorTree | tf.Tensor2D;
  readonly controller: NamedTensorTree;
  readonly memory: NamedTensorTree;
  /** What the memory returned at the last step, `[batchSize, memory.readSize]`. */
  readonly readVector: tf.Tensor2D;
}

/** The weight names: `controller/<name>` for the controller's, plus the interface projection. */
export const INTERFACE_KERNEL = 'interface/kernel';
export const INTERFACE_BIAS = 'interface/bias';

/** The model-level name of a controller weight: `controller/kernel`. */
export function controllerWeightName(name: string): string {
  return `controller/${name}`;
}

const OWNER = 'memory-augmented cell';

function controllerWeights(controller: ControllerCell, weights: Weights): Weights {
  const selected: Record<string, tf.Tensor> = {};
  for (const name of Object.keys(controller.weightSpecs)) {
    const tensor = weights[controllerWeightName(name)];
    if (tensor === undefined) {
      throw new Error(`${OWNER}: missing weight '${controllerWeightName(name)}'`);
    }
    selected[name] = tensor;
  }
  return selected;
}

function weightSpecsOf(config: MemoryAugmentedCellConfig): WeightSpecs {
  const { controller, memory } = config;
  const specs: Record<string, WeightSpecs[string]> = {};
  for (const [name, spec] of Object.entries(controller.weightSpecs)) {
    specs[controllerWeightName(name)] = spec;
  }
  specs[INTERFACE_KERNEL] = {
    shape: [controller.outputSize, memory.controlSize],
    init: config.interfaceInit ?? glorotUniform(),
  };
  specs[INTERFACE_BIAS] = { shape: [memory.controlSize], init: zeros() };
  return specs;
}

/**
 * A recurrent cell with an external memory, the controller architecture of the NTM and the DNC
 * (Graves et al. 2014, 2016) and of the memory GTMMs (Gemici et al. 2017, eq. 13–16). At each
 * step:
 *
 *   (h_t, s_t) = controller([x_t; r_{t−1}], s_{t−1})     the controller also reads the last read
 *   ξ_t = h_t · W_ξ + b_ξ                                 the interface (control) vector
 *   M_t = write(M_{t−1}, ξ_t);  r_t = read(M_t, ξ_t)      the memory's own addressing
 *   output = [h_t; r_t]                                   `[batchSize, controller.outputSize + readSize]`
 *
 * The memory has no weights (DESIGN.md): the projection W_ξ `[outputSize, controlSize]` and b_ξ
 * are this cell's, under `interface/kernel` and `interface/bias`; the controller's weights are
 * under `controller/<name>`. So the whole cell runs on point weights, a posterior draw or an
 * MCMC sample like any other `Cell`. The window (dropout masks) is the controller's.
 */
export function createMemoryAugmentedCell(
  config: MemoryAugmentedCellConfig,
): Cell<string, MemoryAugmentedState, unknown> {
  const { controller, memory } = config;
  const inputSize = checkPositiveInteger(config.inputSize, 'MemoryAugmentedCellConfig.inputSize');
  if (controller.inputSize !== inputSize + memory.readSize) {
    throw new RangeError(
      `MemoryAugmentedCellConfig.controller: inputSize must be inputSize + memory.readSize = ` +
        `${inputSize} + ${memory.readSize} = ${inputSize + memory.readSize}, got ${controller.inputSize}`,
    );
  }
  return {
    inputSize,
    outputSize: controller.outputSize + memory.readSize,
    weightSpecs: weightSpecsOf(config),
    initialState: (batchSize) => ({
      controller: controller.initialState(batchSize),
      memory: memory.initialState(batchSize),
      readVector: tf.zeros([batchSize, memory.readSize]),
    }),
    startWindow: (options: WindowOptions) => controller.startWindow(options),
    step(weights, input, state, window): CellStepResult<MemoryAugmentedState> {
      const batchSize = input.shape[0];
      checkShape(OWNER, 'input', input, [batchSize, inputSize]);
      checkShape(OWNER, 'state.readVector', state.readVector, [batchSize, memory.readSize]);
      const selected = controllerWeights(controller, weights);
      return tidyTree((): CellStepResult<MemoryAugmentedState> => {
        const controllerInput = tf.concat([input, state.readVector], 1);
        const next = controller.step(selected, controllerInput, state.controller, window);
        const kernel = weights[INTERFACE_KERNEL] as tf.Tensor2D;
        const bias = weights[INTERFACE_BIAS] as tf.Tensor1D;
        const control = memory.parseControl(tf.add(tf.matMul(next.output, kernel), bias));
        const read = memory.read(memory.write(state.memory, control), control);
        return {
          output: tf.concat([next.output, read.readVector], 1),
          state: { controller: next.state, memory: read.state, readVector: read.readVector },
        };
      });
    },
  };
}
