import { pointPosterior } from '@bayesrnn/posteriors';
import type { Posterior, WeightSpecs } from '@bayesrnn/spec';
import type { TrainVariables } from '@bayesrnn/train';

/** Where a task's weights come from: point variables, or any posterior (exactly one of them). */
export type TaskWeights =
  | {
      /** Point weights by the model's weight names (SGD, Adam, RMSprop, SGLD, pSGLD). */
      readonly variables: TrainVariables;
      readonly posterior?: never;
    }
  | {
      /** Any posterior (`@bayesrnn/posteriors`): point, Gaussian, sharpened. */
      readonly posterior: Posterior;
      readonly variables?: never;
    };

/**
 * The posterior a task draws from: the given one, or point variables seen as a point posterior
 * after checking that every weight the model declares has its variable.
 *
 * @throws {Error} `<owner>: no variable for weight '<name>'`.
 */
export function taskWeightSource(
  weights: TaskWeights,
  specs: WeightSpecs,
  owner: string,
): Posterior {
  if (weights.posterior !== undefined) return weights.posterior;
  const variables = weights.variables as TrainVariables;
  for (const name of Object.keys(specs)) {
    if (variables[name] === undefined)
      throw new Error(`${owner}: no variable for weight '${name}'`);
  }
  return pointPosterior(variables);
}
