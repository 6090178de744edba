/**
 * Compose projects, found by the labels compose puts on containers (com.docker.compose.project/service).
 * Start, stop and restart act on the project's containers; down stops and removes them and the project's
 * networks. Up (create from the compose file) needs the file, which the Engine API does not hold: not here.
 */
import { engine } from '../api.ts';
import { usePoll } from '../components/hooks.ts';
import { ActionButton, Empty, LoadError, Section } from '../components/ui.tsx';
import { name } from '../format.ts';
import { href } from '../router.ts';
import type { ContainerSummary, NetworkSummary } from '../types.ts';

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';

export function ComposePage() {
  const { data, error, reload } = usePoll((signal) => engine<ContainerSummary[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [PROJECT] }) }, signal }), 4000);
  const projects = new Map<string, ContainerSummary[]>();
  for (const c of data ?? []) {
    const p = c.Labels?.[PROJECT];
    if (p) projects.set(p, [...(projects.get(p) ?? []), c]);
  }
  const each = async (cs: ContainerSummary[], fn: (c: ContainerSummary) => Promise<unknown>) => { for (const c of cs) await fn(c); reload(); };
  const down = async (project: string, cs: ContainerSummary[]) => {
    for (const c of cs) await engine('DELETE', `/containers/${c.Id}`, { query: { force: 1 } });
    const nets = await engine<NetworkSummary[]>('GET', '/networks', { query: { filters: JSON.stringify({ label: [`${PROJECT}=${project}`] }) } });
    for (const n of nets) await engine('DELETE', `/networks/${n.Id}`);
    reload();
  };
  return (
    <Section title="Compose projects">
      <LoadError error={error} />
      <p class="muted">Projects come from the <code>{PROJECT}</code> labels. Up needs the compose file: run <code>berth compose up</code> for that.</p>
      {data && projects.size === 0 && <Empty>No compose projects.</Empty>}
      {[...projects.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, cs]) => {
        const services = new Map<string, ContainerSummary[]>();
        for (const c of cs) { const s = c.Labels?.[SERVICE] ?? '?'; services.set(s, [...(services.get(s) ?? []), c]); }
        const running = cs.filter((c) => c.State === 'running').length;
        return (
          <article class="project" key={p} aria-label={`Project ${p}`}>
            <header class="panel-head"><h3>{p} <span class="muted">{running}/{cs.length} running</span></h3>
              <div class="actions">
                <ActionButton label="Start" what={`start ${p}`} run={() => each(cs, (c) => c.State === 'running' ? Promise.resolve() : engine('POST', `/containers/${c.Id}/start`))} />
                <ActionButton label="Stop" what={`stop ${p}`} run={() => each(cs, (c) => c.State !== 'running' ? Promise.resolve() : engine('POST', `/containers/${c.Id}/stop`))} />
                <ActionButton label="Restart" what={`restart ${p}`} run={() => each(cs, (c) => engine('POST', `/containers/${c.Id}/restart`))} />
                <ActionButton label="Down" what={`down ${p}`} danger run={() => down(p, cs)} />
              </div>
            </header>
            <table class="list"><thead><tr><th scope="col">Service</th><th scope="col">Containers</th></tr></thead>
              <tbody>{[...services.entries()].map(([s, scs]) => (
                <tr key={s}><td>{s}</td><td>{scs.map((c, i) => <span key={c.Id}>{i ? ', ' : ''}<a href={href('containers', c.Id)}>{name(c.Names)}</a> <span class={`state ${c.State}`}>{c.State}</span></span>)}</td></tr>
              ))}</tbody></table>
          </article>
        );
      })}
    </Section>
  );
}
