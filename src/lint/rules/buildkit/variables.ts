/** UndefinedVar: a `$NAME` in an instruction the frontend expands, with NAME neither in ENV nor declared by ARG. */
import { lintContext } from '../../context.js';
import { at, buildkitRule } from './define.js';

export const UndefinedVar = buildkitRule('UndefinedVar', 'Variables should be defined before their use', (input, report) => {
  for (const step of lintContext(input).sim.steps) {
    for (const u of step.undefinedVars) {
      report(at(step.node, `Usage of undefined variable '$${u.name}'${u.suggestion ? ` (did you mean $${u.suggestion}?)` : ''}`,
        u.suggestion ? `Use $${u.suggestion}, or declare ARG ${u.name} / ENV ${u.name}=... before this line` : `Declare ARG ${u.name} or ENV ${u.name}=... before this line`));
    }
  }
});
