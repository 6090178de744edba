/** BL1xxx: base images — "use trusted base images", pinned so that a rebuild gets the same one. */
import type { LintRule } from '../../types.js';
import { view, type StageView } from './dockerfile.js';
import { berthRule } from './rule.js';

/** A base that is an external image: not `scratch`, not an earlier stage, with its variables resolved. */
function externalBase(stage: StageView, stages: StageView[]): string | undefined {
  const ref = stage.resolvedBase;
  if (!ref || ref.toLowerCase() === 'scratch') return undefined;
  if (stages.some((s) => s.index < stage.index && s.name === ref.toLowerCase())) return undefined;
  return ref;
}

interface Ref { domain: string; path: string; tag?: string; digest?: string }

/** docker's normalisation: `node` → docker.io/library/node, `host:5000/x` keeps its registry. */
export function splitReference(ref: string): Ref {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  let domain = 'docker.io';
  let path = rest;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) { domain = first; path = rest.slice(slash + 1); }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !path.includes('/')) path = 'library/' + path;
  return { domain, path: path.toLowerCase(), tag, digest };
}

const latestBase = berthRule({
  code: 'BL1001',
  name: 'LatestBaseImage',
  severity: 'warning',
  description: 'A base image without a tag or with the `latest` tag changes under a rebuild: pin a version tag or a digest.',
  check(input, report) {
    const { stages } = view(input);
    for (const stage of stages) {
      const ref = externalBase(stage, stages);
      if (!ref) continue;
      const r = splitReference(ref);
      if (r.digest) continue;
      if (r.tag !== undefined && r.tag !== 'latest') continue;
      report({
        line: stage.from.startLine,
        message: r.tag === 'latest' ? `FROM ${stage.base} uses the "latest" tag, which moves to a new image without notice`
          : `FROM ${stage.base} has no tag, so it means "latest", which moves to a new image without notice`,
        fix: `Pin the base image to a version tag, e.g. \`${ref.replace(/:latest$/, '')}:<version>\`, or to a digest (\`@sha256:…\`)`,
      });
    }
  },
});

const untrustedRegistry = berthRule({
  code: 'BL1002',
  name: 'UntrustedBaseRegistry',
  severity: 'warning',
  description: 'A base image from a registry or namespace that is not in the configured trustedRegistries.',
  check(input, report) {
    const trusted = input.config.trustedRegistries.map((t) => t.replace(/\/+$/, '').toLowerCase());
    if (trusted.length === 0) return;
    const { stages } = view(input);
    for (const stage of stages) {
      const ref = externalBase(stage, stages);
      if (!ref) continue;
      const r = splitReference(ref);
      const full = `${r.domain}/${r.path}`;
      if (trusted.some((t) => t === r.domain || full === t || full.startsWith(t + '/'))) continue;
      report({
        line: stage.from.startLine,
        message: `FROM ${stage.base} comes from ${r.domain}/${r.path.split('/').slice(0, -1).join('/') || r.path}, which is not a trusted registry (${trusted.join(', ')})`,
        fix: 'Use a base image from a trusted registry, or add its registry to `trustedRegistries` in .berth-lint.yaml',
      });
    }
  },
});

export const BASE_IMAGE_RULES: LintRule[] = [latestBase, untrustedRegistry];
