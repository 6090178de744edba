/**
 * The order in which the daemon starts containers again at its own start: every container after those it
 * depends on, then by creation. Dependencies are the legacy links (dockerd also starts a linked container
 * first) and, within one compose project, the `com.docker.compose.depends_on` label that compose v2 writes
 * (`svc:condition:restart,…`), so a project comes back in the order `compose up` started it. dockerd
 * ignores that label; compose users expect the order kept.
 */
import type { ContainerRecord } from '../record/container-store.js';

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';
const DEPENDS_ON = 'com.docker.compose.depends_on';
const ONEOFF = 'com.docker.compose.oneoff';

export function startOrder(recs: ContainerRecord[]): ContainerRecord[] {
  const byCreation = [...recs].sort((a, b) => a.created.localeCompare(b.created));
  const byName = new Map(byCreation.map((r) => [r.name, r]));
  // a compose service's long-running containers, by project and service
  const byService = new Map<string, ContainerRecord[]>();
  for (const r of byCreation) {
    const labels = r.config.Labels ?? {};
    if (!labels[PROJECT] || !labels[SERVICE] || labels[ONEOFF] === 'True') continue;
    const key = `${labels[PROJECT]}\0${labels[SERVICE]}`;
    (byService.get(key) ?? byService.set(key, []).get(key)!).push(r);
  }
  const dependencies = (r: ContainerRecord): ContainerRecord[] => {
    const out: ContainerRecord[] = [];
    for (const link of r.hostConfig.Links ?? []) {
      const target = byName.get(link.split(':')[0]!.replace(/^\//, ''));
      if (target) out.push(target);
    }
    const labels = r.config.Labels ?? {};
    for (const dep of (labels[DEPENDS_ON] ?? '').split(',').filter(Boolean)) {
      out.push(...(byService.get(`${labels[PROJECT]}\0${dep.split(':')[0]}`) ?? []));
    }
    return out;
  };
  // depth-first, dependencies first; a cycle (which compose refuses, but a label can say anything) is cut
  const ordered: ContainerRecord[] = [];
  const seen = new Set<string>();
  const visit = (r: ContainerRecord): void => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    for (const d of dependencies(r)) visit(d);
    ordered.push(r);
  };
  for (const r of byCreation) visit(r);
  return ordered;
}
