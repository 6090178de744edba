/**
 * Scopes of the `docker` transport: which requirement list applies to an image. The most specific
 * match wins (containers/image's requirementsForImageRef with docker/policyconfiguration): the full
 * reference `host/ns/repo:tag` (or `@digest`), then `host/ns/repo`, `host/ns`, `host`, then the
 * wildcards `*.example.com`, `*.com` of the host, then the transport's "" scope, then "default".
 */
import { parseReference, type ParsedReference } from '../image/reference.js';
import type { Policy, Requirement } from './policy-file.js';
import { PolicyFormatError } from './policy-file.js';

/** What a scope lookup found: the requirements and where in the file they are (for messages). */
export interface ScopeMatch { requirements: Requirement[]; where: string }

const WILDCARD_RE = /^\*\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*$/;
const HOST_RE = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

/**
 * A docker scope must be written fully qualified, as references are after normalisation. containers/image
 * accepts any string here (a mistyped scope then silently never matches); berth refuses scopes that can
 * never match, so that a typo does not loosen or tighten a policy unnoticed.
 */
export function validateDockerScope(scope: string): void {
  const bad = (why: string) => new PolicyFormatError(`invalid scope "${scope}" in transports.docker: ${why}`, 'ERR_POLICY_SCOPE');
  if (scope.startsWith('*')) {
    if (!WILDCARD_RE.test(scope)) throw bad('a wildcard scope is "*." followed by a domain, e.g. *.example.com');
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(scope)) throw bad('write the registry without a URL scheme, e.g. registry.example.com/ns/repo');
  const slash = scope.indexOf('/');
  if (slash === -1) {
    if (!HOST_RE.test(scope)) throw bad('not a registry host name (scopes are fully qualified: host[/namespace[/repo[:tag]]])');
    return;
  }
  let raw;
  try { raw = parseReference(scope); } catch (e) { throw bad((e as Error).message); }
  const host = scope.slice(0, slash);
  if (!HOST_RE.test(host)) throw bad(`"${host}" is not a registry host name (scopes are fully qualified, e.g. docker.io/library/busybox)`);
  if (raw.tag !== undefined && raw.digest !== undefined) throw bad('a scope names a tag or a digest, not both');
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') throw bad('Docker Hub images are named docker.io/…');
  const path = raw.repository.slice(slash + 1);
  if (host === 'docker.io' && !path.includes('/') && (raw.tag !== undefined || raw.digest !== undefined)) {
    throw bad(`Docker Hub's official images are named docker.io/library/${path}`);
  }
}

/** containers/image's DockerReferenceIdentity: name:tag or name@digest (a digest wins, as docker pulls by it). */
export function policyIdentity(ref: ParsedReference): string {
  const name = `${ref.domain}/${ref.path}`;
  if (ref.digest) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? 'latest'}`;
}

/** containers/image's DockerReferenceNamespaces: the repository, its parents, the host, then host wildcards. */
export function policyNamespaces(ref: ParsedReference): string[] {
  const out: string[] = [];
  let name = `${ref.domain}/${ref.path}`;
  for (;;) {
    out.push(name);
    const slash = name.lastIndexOf('/');
    if (slash === -1) break;
    name = name.slice(0, slash);
  }
  const colon = name.indexOf(':');
  if (colon !== -1) name = name.slice(0, colon);
  for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.')) {
    name = name.slice(dot + 1);
    out.push(`*.${name}`);
  }
  return out;
}

/** The requirements that apply to an image reference (undefined: an image with no name, only "" and default apply). */
export function requirementsFor(policy: Policy, ref: ParsedReference | undefined): ScopeMatch {
  const docker = policy.transports.docker;
  if (docker) {
    const candidates = ref ? [policyIdentity(ref), ...policyNamespaces(ref)] : [];
    for (const scope of [...candidates, '']) {
      const reqs = docker[scope];
      if (reqs) return { requirements: reqs, where: `transports.docker[${JSON.stringify(scope)}]` };
    }
  }
  return { requirements: policy.default, where: '"default"' };
}
