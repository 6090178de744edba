/** The parsed model and the dispatch dry run of one lint input, computed once and shared by the rules. */
import { buildModel, type LintModel } from './model.js';
import { simulate, type Simulation } from './simulate.js';
import type { LintInput } from './types.js';

export interface LintContext { model: LintModel; sim: Simulation }

const cache = new WeakMap<LintInput, LintContext>();

export function lintContext(input: LintInput): LintContext {
  let c = cache.get(input);
  if (!c) {
    const model = buildModel(input.ast, input.lines);
    c = { model, sim: simulate(model, { buildArgs: input.buildArgs, imageEnv: input.imageEnv, stages: input.stages }) };
    cache.set(input, c);
  }
  return c;
}
