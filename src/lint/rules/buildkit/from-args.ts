/** Checks of the ARGs a FROM line uses: undeclared ones, defaults that make no image name, --platform. */
import { parseNormalizedNamed } from '../../../image/reference.js';
import { lintContext } from '../../context.js';
import { expandWord } from '../../simulate.js';
import { suggest } from '../../suggest.js';
import { at, buildkitRule } from './define.js';
import { parsePlatform } from './platform.js';

export const UndefinedArgInFrom = buildkitRule('UndefinedArgInFrom', 'FROM command must use declared ARGs', (input, report) => {
  const { sim } = lintContext(input);
  const known = new Set([...sim.metaArgNames, ...sim.globalArgs.keys()]);
  for (const info of sim.stages) {
    for (const e of [info.base, info.platform]) {
      for (const name of e?.unmatched ?? []) {
        if (known.has(name)) continue;
        const s = suggest(name, [...known], true);
        report(at(info.stage.from, `FROM argument '${name}' is not declared${s ? ` (did you mean ${s}?)` : ''}`, `Declare ARG ${name} before the first FROM${s ? `, or use ${s}` : ''}`));
      }
    }
  }
});

function validImageName(s: string): boolean {
  if (s === '') return false;
  try { parseNormalizedNamed(s); return true; } catch { return false; }
}

export const InvalidDefaultArgInFrom = buildkitRule('InvalidDefaultArgInFrom', 'Default value for global ARG results in an empty or invalid base image name', (input, report) => {
  const { model, sim } = lintContext(input);
  const args = sim.defaultArgs;
  if (!args) return; // a default that does not expand fails the build anyway
  for (const s of model.stages) {
    const e = expandWord(s.base, args, model.escape);
    if (e.error) return;
    if (!validImageName(e.result)) {
      report(at(s.from, `Default value for ARG ${s.base} results in empty or invalid base image name`, 'Give the ARG a default that makes a valid image name (ARG NAME=default before the first FROM)'));
    }
  }
});

export const RedundantTargetPlatform = buildkitRule('RedundantTargetPlatform',
  'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior', (input, report) => {
    const { sim } = lintContext(input);
    for (const info of sim.stages) {
      const p = info.platform;
      if (!p || p.matched.length !== 1 || p.unmatched.length !== 0 || p.matched[0] !== 'TARGETPLATFORM') continue;
      if (p.result !== sim.globalArgs.get('TARGETPLATFORM')) continue;
      report(at(info.stage.from, `Setting platform to predefined ${info.stage.platform} in FROM is redundant as this is the default behavior`, 'Remove the --platform flag'));
    }
  });

export const FromPlatformFlagConstDisallowed = buildkitRule('FromPlatformFlagConstDisallowed', 'FROM --platform flag should not use a constant value', (input, report) => {
  for (const info of lintContext(input).sim.stages) {
    const p = info.platform;
    if (!p || p.error || p.matched.length > 0 || p.unmatched.length > 0) continue;
    const plat = parsePlatform(p.result);
    if (!plat) continue;
    const name = info.stage.name ?? '';
    // a stage named after its platform (`FROM --platform=linux/arm64 x AS build-arm64`) means it on purpose
    if (name.includes(plat.os) || name.includes(plat.arch)) continue;
    report(at(info.stage.from, `FROM --platform flag should not use constant value ${JSON.stringify(p.result)}`, 'Use $BUILDPLATFORM or $TARGETPLATFORM, or pass --platform to the build'));
  }
});
