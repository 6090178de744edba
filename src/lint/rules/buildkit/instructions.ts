/** Checks of single instructions: exec form, MAINTAINER, repeated CMD/ENTRYPOINT/HEALTHCHECK, legacy ENV/LABEL, WORKDIR, secrets. */
import { lintContext } from '../../context.js';
import { argPairs, kvPairs, type LintNode } from '../../model.js';
import { at, buildkitRule } from './define.js';

export const JSONArgsRecommended = buildkitRule('JSONArgsRecommended',
  'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals', (input, report) => {
    for (const step of lintContext(input).sim.steps) {
      const n = step.node;
      if ((n.kind !== 'cmd' && n.kind !== 'entrypoint') || n.json || step.shellSet) continue;
      const example = JSON.stringify(n.args.join(' ').split(/\s+/).filter(Boolean));
      report(at(n, `JSON arguments recommended for ${n.keyword} to prevent unintended behavior related to OS signals`,
        `Use the exec form, e.g. ${n.keyword.toUpperCase()} ${example} (or set SHELL explicitly if a shell is intended)`));
    }
  });

export const MaintainerDeprecated = buildkitRule('MaintainerDeprecated',
  'The MAINTAINER instruction is deprecated, use a label instead to define an image author', (input, report) => {
    for (const n of lintContext(input).model.nodes) {
      if (n.kind !== 'maintainer') continue;
      report(at(n, 'Maintainer instruction is deprecated in favor of using label', `Use LABEL org.opencontainers.image.authors=${JSON.stringify(n.args[0] ?? '')}`));
    }
  });

export const MultipleInstructionsDisallowed = buildkitRule('MultipleInstructionsDisallowed',
  'Multiple instructions of the same type should not be used in the same stage', (input, report) => {
    const { model, sim } = lintContext(input);
    for (const s of model.stages) {
      if (!sim.dispatched.has(s)) continue;
      const last = new Map<string, LintNode>();
      for (const n of s.instructions) {
        if (n.kind !== 'cmd' && n.kind !== 'entrypoint' && n.kind !== 'healthcheck') continue;
        const prev = last.get(n.kind);
        // BuildKit reports the earlier one: it is the one that is ignored
        if (prev) report(at(prev, `Multiple ${n.keyword} instructions should not be used in the same stage because only the last one will be used`, `Remove this ${prev.keyword}; the one on line ${n.line} replaces it`));
        last.set(n.kind, n);
      }
    }
  });

export const LegacyKeyValueFormat = buildkitRule('LegacyKeyValueFormat', 'Legacy key/value format with whitespace separator should not be used', (input, report) => {
  for (const { node: n } of lintContext(input).sim.steps) {
    if (n.kind !== 'env' && n.kind !== 'label') continue;
    for (const p of kvPairs(n)) {
      if (!p.legacy) continue;
      const value = /^\S*$/.test(p.value) ? p.value : JSON.stringify(p.value);
      report(at(n, `"${n.keyword} key=value" should be used instead of legacy "${n.keyword} key value" format`, `Write ${n.keyword} ${p.key}=${value}`));
    }
  }
});

export const WorkdirRelativePath = buildkitRule('WorkdirRelativePath',
  'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes', (input, report) => {
    for (const step of lintContext(input).sim.steps) {
      const w = step.workdir;
      if (!w || step.workdirSet || !w.certain || w.value.startsWith('/')) continue;
      report(at(step.node, `Relative workdir ${JSON.stringify(w.value)} can have unexpected results if the base image changes`, `Use an absolute path, e.g. WORKDIR /${w.value.replace(/^\.\/?/, '')}`));
    }
  });

// the tokens BuildKit looks for as a whole word of a `_`-separated name, and the ones that clear it
const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const NOT_SECRET = /(?:_|^)(?:public|file|version)(?:_|$)/i;

export function isSecretName(key: string): boolean {
  return SECRET.test(key) && !NOT_SECRET.test(key);
}

export const SecretsUsedInArgOrEnv = buildkitRule('SecretsUsedInArgOrEnv', 'Sensitive data should not be used in the ARG or ENV commands', (input, report) => {
  for (const { node: n } of lintContext(input).sim.steps) {
    const keys = n.kind === 'arg' ? argPairs(n).map((p) => p.key) : n.kind === 'env' ? kvPairs(n).map((p) => p.key) : [];
    const ins = n.kind.toUpperCase();
    for (const key of keys) {
      if (isSecretName(key)) report(at(n, `Do not use ARG or ENV instructions for sensitive data (${ins} ${JSON.stringify(key)})`, 'Pass secrets with RUN --mount=type=secret (berth build --secret) instead; ARG and ENV values stay in the image'));
    }
  }
});
