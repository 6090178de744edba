/** ConsistentInstructionCasing: every instruction in the majority's case (all upper or all lower). */
import { lintContext } from '../../context.js';
import type { LintNode } from '../../model.js';
import { at, buildkitRule } from './define.js';

const selfConsistent = (s: string): boolean => s === s.toLowerCase() || s === s.toUpperCase();

export const ConsistentInstructionCasing = buildkitRule('ConsistentInstructionCasing',
  'All commands within the Dockerfile should use the same casing (either upper or lower)', (input, report) => {
    // BuildKit counts the stages' instructions (FROM and what follows), not the ARGs before the first FROM
    const nodes: LintNode[] = lintContext(input).model.stages.flatMap((s) => [s.from, ...s.instructions]);
    let lower = 0;
    let upper = 0;
    for (const n of nodes) {
      if (!selfConsistent(n.keyword)) continue;
      if (n.keyword === n.keyword.toLowerCase()) lower++; else upper++;
    }
    const majorityLower = lower > upper;
    for (const n of nodes) {
      let casing = '';
      if (majorityLower && n.keyword.toLowerCase() !== n.keyword) casing = 'lowercase';
      else if (!majorityLower && n.keyword.toUpperCase() !== n.keyword) casing = 'uppercase';
      if (casing) {
        const fixed = casing === 'lowercase' ? n.keyword.toLowerCase() : n.keyword.toUpperCase();
        report(at(n, `Command '${n.keyword}' should match the case of the command majority (${casing})`, `Write '${fixed}'`));
      }
    }
  });
