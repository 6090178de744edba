/** Checks of FROM lines and stage names: casing, duplicates, reserved names. */
import { lintContext } from '../../context.js';
import { at, buildkitRule } from './define.js';

const RESERVED = new Set(['context', 'scratch']);

export const StageNameCasing = buildkitRule('StageNameCasing', 'Stage names should be lowercase', (input, report) => {
  for (const s of lintContext(input).model.stages) {
    const name = s.nameAsWritten;
    if (name !== undefined && name !== name.toLowerCase()) {
      report(at(s.from, `Stage name '${name}' should be lowercase`, `Write the stage name in lower case: AS ${name.toLowerCase()}`));
    }
  }
});

export const FromAsCasing = buildkitRule('FromAsCasing', "The 'as' keyword should match the case of the 'from' keyword", (input, report) => {
  for (const s of lintContext(input).model.stages) {
    const from = s.from.keyword;
    const as = s.asKeyword;
    if (as === undefined) continue;
    // a FROM of mixed case is ConsistentInstructionCasing's business
    const lower = from === from.toLowerCase();
    const upper = from === from.toUpperCase();
    if (!lower && !upper) continue;
    const ok = lower ? as === as.toLowerCase() : as === as.toUpperCase();
    if (!ok) report(at(s.from, `'${as}' and '${from}' keywords' casing do not match`, `Write '${lower ? 'as' : 'AS'}' in the same case as '${from}'`));
  }
});

export const DuplicateStageName = buildkitRule('DuplicateStageName', 'Stage names should be unique', (input, report) => {
  const seen = new Set<string>();
  for (const s of lintContext(input).model.stages) {
    if (s.name === undefined) continue;
    if (seen.has(s.name)) report(at(s.from, `Duplicate stage name "${s.name}", stage names should be unique`, 'Give every stage its own name'));
    seen.add(s.name);
  }
});

export const ReservedStageName = buildkitRule('ReservedStageName', 'Reserved words should not be used as stage names', (input, report) => {
  for (const s of lintContext(input).model.stages) {
    if (s.name !== undefined && RESERVED.has(s.name)) {
      report(at(s.from, `Stage name should not use the same name as reserved stage "${s.name}"`, `Rename the stage; '${s.name}' already means the ${s.name === 'scratch' ? 'empty image' : 'build context'}`));
    }
  }
});
