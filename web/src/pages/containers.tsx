/** Containers: the list with filters and bulk actions, and a form to run a new one. */
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { act, engine } from '../api.ts';
import { usePoll } from '../components/hooks.ts';
import { ActionButton, Empty, LoadError, Section } from '../components/ui.tsx';
import { ago, bytes, name, shortId } from '../format.ts';
import { href } from '../router.ts';
import type { ContainerSummary, StatsSample } from '../types.ts';
import { cpuPercent, memUsed } from '../usage.ts';
import { parsePorts, splitCommand } from '../parse.ts';

export async function startContainer(id: string): Promise<void> { await engine('POST', `/containers/${id}/start`); }
export async function stopContainer(id: string): Promise<void> { await engine('POST', `/containers/${id}/stop`); }
export async function restartContainer(id: string): Promise<void> { await engine('POST', `/containers/${id}/restart`); }
export async function removeContainer(id: string): Promise<void> { await engine('DELETE', `/containers/${id}`, { query: { force: 1 } }); }

let measured = false;

/** how many running containers of the list get live CPU and memory (each one a stats request per round) */
const LIVE_MAX = 50;
const LIVE_EVERY_MS = 5000;

/**
 * Live CPU and memory for the running containers in view: one non-streaming stats request each, a few at
 * a time, every 5 s. Bounded (LIVE_MAX), so a host with hundreds of containers does not flood the daemon.
 */
function useLiveUsage(ids: string[]): Map<string, { cpu: number; mem: number }> {
  const [usage, setUsage] = useState(new Map<string, { cpu: number; mem: number }>());
  const key = ids.slice(0, LIVE_MAX).join(',');
  useEffect(() => {
    const chosen = key ? key.split(',') : [];
    if (!chosen.length) return;
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const round = async () => {
      const next = new Map<string, { cpu: number; mem: number }>();
      let i = 0;
      const worker = async () => {
        while (i < chosen.length && !ac.signal.aborted) {
          const id = chosen[i++]!;
          try {
            const s = await engine<StatsSample>('GET', `/containers/${id}/stats`, { query: { stream: 0 }, signal: ac.signal });
            next.set(id, { cpu: cpuPercent(s), mem: memUsed(s) });
          } catch { /* gone meanwhile, or stopped */ }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      if (ac.signal.aborted) return;
      setUsage(next);
      timer = setTimeout(() => { void round(); }, LIVE_EVERY_MS);
    };
    void round();
    return () => { ac.abort(); if (timer) clearTimeout(timer); };
  }, [key]);
  return usage;
}

export function ContainersPage() {
  const { data, error, reload } = usePoll((signal) => engine<ContainerSummary[]>('GET', '/containers/json', { query: { all: 1 }, signal }), 3000);
  const [text, setText] = useState('');
  const [state, setState] = useState('all');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const list = useMemo(() => {
    const q = text.toLowerCase();
    return (data ?? []).filter((c) => (state === 'all' || c.State === state) &&
      (!q || name(c.Names).toLowerCase().includes(q) || c.Image.toLowerCase().includes(q) || c.Id.startsWith(q)));
  }, [data, text, state]);
  // the benchmark's mark: the first list in the document after the page loaded (a layout effect runs
  // right after the rows are in the DOM, before the browser paints them)
  useLayoutEffect(() => {
    if (data && !measured) { measured = true; performance.mark('berth:containers-rendered', { detail: { count: data.length } }); }
  }, [data]);
  const chosen = list.filter((c) => selected.has(c.Id));
  const usage = useLiveUsage(list.filter((c) => c.State === 'running').map((c) => c.Id));
  const bulk = async (what: string, fn: (id: string) => Promise<void>) => {
    for (const c of chosen) await act(`${what} ${name(c.Names)}`, () => fn(c.Id));
    setSelected(new Set());
    reload();
  };
  const toggle = (id: string, on: boolean) => setSelected((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; });

  return (
    <>
      <RunForm onDone={reload} />
      <Section title="Containers" actions={<>
        <ActionButton label="Start" what="start" disabled={!chosen.length} run={() => bulk('start', startContainer)} />
        <ActionButton label="Stop" what="stop" disabled={!chosen.length} run={() => bulk('stop', stopContainer)} />
        <ActionButton label="Restart" what="restart" disabled={!chosen.length} run={() => bulk('restart', restartContainer)} />
        <ActionButton label="Remove" what="remove" danger disabled={!chosen.length} run={() => bulk('remove', removeContainer)} />
      </>}>
        <div class="filters" role="search">
          <label>Filter <input type="search" value={text} placeholder="name, image or ID" onInput={(e) => setText(e.currentTarget.value)} /></label>
          <label>State <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
            {['all', 'running', 'exited', 'created', 'paused', 'restarting', 'dead'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select></label>
          <span class="muted">{list.length} of {data?.length ?? 0}</span>
        </div>
        <LoadError error={error} />
        {data && list.length === 0 ? <Empty>No containers{text || state !== 'all' ? ' match the filter' : ' yet: run one above'}.</Empty> : (
          <div class="table-wrap">
            <table class="list" data-testid="container-list" data-count={data ? list.length : undefined}>
              <thead><tr>
                <th scope="col"><input type="checkbox" aria-label="Select all shown containers" checked={list.length > 0 && chosen.length === list.length}
                  onChange={(e) => setSelected(e.currentTarget.checked ? new Set(list.map((c) => c.Id)) : new Set())} /></th>
                <th scope="col">Name</th><th scope="col">State</th><th scope="col" class="wide">CPU</th><th scope="col" class="wide">Memory</th><th scope="col">Image</th><th scope="col" class="wide">Command</th><th scope="col" class="wide">Created</th><th scope="col">Ports</th>
              </tr></thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.Id} data-name={name(c.Names)} data-state={c.State}>
                    <td><input type="checkbox" aria-label={`Select ${name(c.Names)}`} checked={selected.has(c.Id)} onChange={(e) => toggle(c.Id, e.currentTarget.checked)} /></td>
                    <td><a href={href('containers', c.Id)}>{name(c.Names)}</a> <span class="muted mono">{shortId(c.Id)}</span></td>
                    <td><span class={`state ${c.State}`}>{c.State}</span> <span class="muted wide">{c.Status}</span></td>
                    <td class="wide num" data-testid="cpu">{usage.get(c.Id) ? `${usage.get(c.Id)!.cpu.toFixed(1)}%` : ''}</td>
                    <td class="wide num" data-testid="mem">{usage.get(c.Id) ? bytes(usage.get(c.Id)!.mem) : ''}</td>
                    <td class="mono">{c.Image}</td>
                    <td class="mono wide trunc" title={c.Command}>{c.Command}</td>
                    <td class="wide">{ago(c.Created)}</td>
                    <td class="mono">{(c.Ports ?? []).filter((p) => p.PublicPort).map((p) => `${p.IP ? p.IP + ':' : ''}${p.PublicPort}→${p.PrivatePort}/${p.Type}`).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}

function RunForm(props: { onDone: () => void }) {
  const [image, setImage] = useState('');
  const [cname, setName] = useState('');
  const [cmd, setCmd] = useState('');
  const [ports, setPorts] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    await act(`run ${image}`, async () => {
      const { exposed, bindings } = parsePorts(ports);
      const body = { Image: image.trim(), Cmd: cmd.trim() ? splitCommand(cmd) : undefined, ExposedPorts: exposed, HostConfig: { PortBindings: bindings } };
      const created = await engine<{ Id: string }>('POST', '/containers/create', { query: { name: cname.trim() || undefined }, body });
      await engine('POST', `/containers/${created.Id}/start`);
      setName(''); setCmd('');
    });
    setBusy(false);
    props.onDone();
  };
  return (
    <Section title="Run a container">
      <form class="run-form" onSubmit={submit} aria-label="Run a container">
        <label>Image <input required name="image" value={image} placeholder="busybox" onInput={(e) => setImage(e.currentTarget.value)} /></label>
        <label>Name <input name="name" value={cname} placeholder="(optional)" onInput={(e) => setName(e.currentTarget.value)} /></label>
        <label class="grow">Command <input name="command" value={cmd} placeholder="(the image's default)" onInput={(e) => setCmd(e.currentTarget.value)} /></label>
        <label>Ports <input name="ports" value={ports} placeholder="8080:80" onInput={(e) => setPorts(e.currentTarget.value)} /></label>
        <button type="submit" disabled={busy || !image.trim()} aria-busy={busy}>Run</button>
      </form>
    </Section>
  );
}
