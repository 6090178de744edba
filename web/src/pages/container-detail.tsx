/** One container: inspect as a readable page, logs, terminal, stats, processes and the filesystem diff. */
import type { ComponentChildren } from 'preact';
import { engine } from '../api.ts';
import { usePoll } from '../components/hooks.ts';
import { Logs } from '../components/logs.tsx';
import { lazyView } from '../components/lazy.tsx';
import { ActionButton, Empty, KeyValues, LoadError, Section } from '../components/ui.tsx';
import { go, href } from '../router.ts';
import type { ContainerInspect } from '../types.ts';
import { removeContainer, restartContainer, startContainer, stopContainer } from './containers.tsx';

const Stats = lazyView(() => import('../components/stats.tsx').then((m) => m.Stats));
const Shell = lazyView(() => import('../components/terminal.tsx').then((m) => m.Shell));

const TABS: Array<[string, string]> = [['inspect', 'Overview'], ['logs', 'Logs'], ['terminal', 'Terminal'], ['stats', 'Stats'], ['top', 'Processes'], ['diff', 'Changes']];

export function ContainerDetail(props: { id: string; tab: string }) {
  const { data: c, error, reload } = usePoll((signal) => engine<ContainerInspect>('GET', `/containers/${props.id}/json`, { signal }), 3000, [props.id]);
  const tab = TABS.some(([k]) => k === props.tab) ? props.tab : 'inspect';
  if (!c) return <Section title="Container"><LoadError error={error} />{!error && <p>Loading…</p>}</Section>;
  const running = c.State.Running;
  const after = async (p: Promise<void>) => { await p; reload(); };
  return (
    <Section title={`Container ${c.Name.replace(/^\//, '')}`} actions={<>
      <span class={`state ${c.State.Status}`} data-testid="container-state">{c.State.Status}</span>
      <ActionButton label="Start" disabled={running} run={() => after(startContainer(c.Id))} />
      <ActionButton label="Stop" disabled={!running} run={() => after(stopContainer(c.Id))} />
      {c.State.Paused
        ? <ActionButton label="Unpause" run={() => after(engine<void>('POST', `/containers/${c.Id}/unpause`))} />
        : <ActionButton label="Pause" disabled={!running} run={() => after(engine<void>('POST', `/containers/${c.Id}/pause`))} />}
      <ActionButton label="Restart" run={() => after(restartContainer(c.Id))} />
      <ActionButton label="Remove" danger run={async () => { await removeContainer(c.Id); go('containers'); }} />
    </>}>
      <nav class="tabs" role="tablist" aria-label="Container views">
        {TABS.map(([k, label]) => <a key={k} role="tab" aria-selected={k === tab} class={k === tab ? 'active' : ''} href={href('containers', c.Id, k)}>{label}</a>)}
      </nav>
      <div role="tabpanel" class="tabpanel">
        {tab === 'inspect' && <Inspect c={c} />}
        {tab === 'logs' && <Logs id={c.Id} tty={c.Config.Tty} />}
        {tab === 'terminal' && <Shell id={c.Id} running={running} />}
        {tab === 'stats' && <Stats id={c.Id} running={running} />}
        {tab === 'top' && <Top id={c.Id} running={running} />}
        {tab === 'diff' && <Diff id={c.Id} />}
      </div>
    </Section>
  );
}

const list = (xs: string[] | null | undefined): ComponentChildren => (xs && xs.length ? <ul class="plain mono">{xs.map((x) => <li key={x}>{x}</li>)}</ul> : undefined);

function Inspect(props: { c: ContainerInspect }) {
  const { c } = props;
  const ports = Object.entries(c.NetworkSettings.Ports ?? {}).map(([p, bs]) => (bs ?? []).map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort} → ${p}`).join(', ') || `${p} (not published)`);
  return (
    <div class="inspect">
      <h3>State</h3>
      <KeyValues rows={[
        ['Status', c.State.Status], ['PID', c.State.Pid || undefined], ['Exit code', c.State.Running ? undefined : String(c.State.ExitCode)],
        ['Started', c.State.StartedAt], ['Finished', c.State.Running ? undefined : c.State.FinishedAt], ['Error', c.State.Error],
        ['Health', c.State.Health?.Status], ['Restarts', String(c.RestartCount)],
      ]} />
      <h3>Configuration</h3>
      <KeyValues rows={[
        ['ID', <span class="mono">{c.Id}</span>], ['Image', <span class="mono">{c.Config.Image}</span>], ['Created', c.Created],
        ['Entrypoint', list(c.Config.Entrypoint)], ['Command', list(c.Config.Cmd)], ['Working directory', c.Config.WorkingDir],
        ['User', c.Config.User], ['Hostname', c.Config.Hostname], ['TTY', c.Config.Tty ? 'yes' : 'no'],
        ['Environment', list(c.Config.Env)], ['Labels', list(Object.entries(c.Config.Labels ?? {}).map(([k, v]) => `${k}=${v}`))],
      ]} />
      <h3>Host</h3>
      <KeyValues rows={[
        ['Restart policy', c.HostConfig.RestartPolicy?.Name || 'no'], ['Network mode', c.HostConfig.NetworkMode],
        ['Memory limit', c.HostConfig.Memory ? String(c.HostConfig.Memory) : 'none'], ['CPUs', c.HostConfig.NanoCpus ? String(c.HostConfig.NanoCpus / 1e9) : 'all'],
        ['Privileged', c.HostConfig.Privileged ? 'yes' : undefined], ['Read-only root', c.HostConfig.ReadonlyRootfs ? 'yes' : undefined],
        ['Ports', list(ports)],
      ]} />
      <h3>Networks</h3>
      {Object.keys(c.NetworkSettings.Networks ?? {}).length ? (
        <table class="list"><thead><tr><th scope="col">Network</th><th scope="col">IP address</th><th scope="col">Gateway</th><th scope="col">MAC</th></tr></thead>
          <tbody>{Object.entries(c.NetworkSettings.Networks ?? {}).map(([n, v]) => <tr key={n}><td>{n}</td><td class="mono">{v.IPAddress}</td><td class="mono">{v.Gateway}</td><td class="mono">{v.MacAddress}</td></tr>)}</tbody></table>
      ) : <Empty>No networks.</Empty>}
      <h3>Mounts</h3>
      {c.Mounts.length ? (
        <table class="list"><thead><tr><th scope="col">Type</th><th scope="col">Source</th><th scope="col">Destination</th><th scope="col">Mode</th></tr></thead>
          <tbody>{c.Mounts.map((m) => <tr key={m.Destination}><td>{m.Type}</td><td class="mono">{m.Name ?? m.Source}</td><td class="mono">{m.Destination}</td><td>{m.RW ? 'rw' : 'ro'}</td></tr>)}</tbody></table>
      ) : <Empty>No mounts.</Empty>}
      <details><summary>Raw inspect (JSON)</summary><pre class="raw">{JSON.stringify(c, null, 2)}</pre></details>
    </div>
  );
}

function Top(props: { id: string; running: boolean }) {
  const { data, error } = usePoll((signal) => props.running ? engine<{ Titles: string[]; Processes: string[][] }>('GET', `/containers/${props.id}/top`, { signal }) : Promise.resolve(undefined), 5000, [props.id, props.running]);
  if (!props.running) return <Empty>The container is not running: no processes.</Empty>;
  return (
    <>
      <LoadError error={error} />
      {data && <table class="list" data-testid="top"><thead><tr>{data.Titles.map((t) => <th scope="col" key={t}>{t}</th>)}</tr></thead>
        <tbody>{data.Processes.map((p, i) => <tr key={i}>{p.map((v, j) => <td key={j} class="mono">{v}</td>)}</tr>)}</tbody></table>}
    </>
  );
}

const KINDS = ['changed', 'added', 'deleted'];

function Diff(props: { id: string }) {
  const { data, error } = usePoll((signal) => engine<Array<{ Path: string; Kind: number }> | null>('GET', `/containers/${props.id}/changes`, { signal }), 0, [props.id]);
  return (
    <>
      <LoadError error={error} />
      {data && (data.length === 0 ? <Empty>No changes to the image's filesystem.</Empty> : (
        <ul class="plain mono diff">{data.map((d) => <li key={d.Path} class={`kind-${KINDS[d.Kind]}`}><abbr title={KINDS[d.Kind]}>{'CAD'[d.Kind]}</abbr> {d.Path}</li>)}</ul>
      ))}
    </>
  );
}
