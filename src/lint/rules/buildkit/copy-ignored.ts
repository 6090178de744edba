/** CopyIgnoredFile: COPY/ADD of a context path that .dockerignore excludes (the copy would find nothing). */
import { cleanPath } from '../../../builder/context/dockerignore.js';
import { lintContext } from '../../context.js';
import { flagValue } from '../../model.js';
import { at, buildkitRule } from './define.js';

const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/;

export const CopyIgnoredFile = buildkitRule('CopyIgnoredFile', 'Attempting to Copy file that is excluded by .dockerignore', (input, report) => {
  const isIgnored = input.isIgnored;
  const patterns = input.ignorePatterns ?? [];
  // BuildKit leaves this check out when .dockerignore re-includes (`!`): exclusions cannot be judged statically
  if (!isIgnored || input.hasDockerignore === false || patterns.some((p) => p.startsWith('!'))) return;
  const rootIgnored = patterns.some((p) => p === '*' || p === '**' || p === '**/*');
  for (const step of lintContext(input).sim.steps) {
    const n = step.node;
    if ((n.kind !== 'copy' && n.kind !== 'add') || flagValue(n, 'from') !== undefined) continue;
    const cmd = n.kind === 'add' ? 'Add' : 'Copy';
    for (const src of step.copySources ?? []) {
      if (!src.certain || REMOTE.test(src.value)) continue;
      const p = cleanPath(src.value);
      if ((p === '.' || p === '/') && !rootIgnored) continue;
      if (isIgnored(p)) {
        report(at(n, `Attempting to ${cmd} file ${JSON.stringify(p)} that is excluded by .dockerignore`, `Remove "${p}" from .dockerignore, or do not ${cmd.toUpperCase()} it`));
      }
    }
  }
});
