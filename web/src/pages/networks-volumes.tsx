/** Networks and volumes: which containers use each (from the container list), create and remove. */
import { useState } from 'preact/hooks';
import { act, engine } from '../api.ts';
import { usePoll } from '../components/hooks.ts';
import { ActionButton, Empty, LoadError, Section } from '../components/ui.tsx';
import { name, shortId } from '../format.ts';
import { href } from '../router.ts';
import type { ContainerSummary, NetworkSummary, VolumeSummary } from '../types.ts';

function useContainers() {
  return usePoll((signal) => engine<ContainerSummary[]>('GET', '/containers/json', { query: { all: 1 }, signal }), 5000);
}

const Users = (props: { cs: ContainerSummary[] }) => (props.cs.length ? <>{props.cs.map((c, i) => <span key={c.Id}>{i ? ', ' : ''}<a href={href('containers', c.Id)}>{name(c.Names)}</a></span>)}</> : <span class="muted">none</span>);

export function NetworksPage() {
  const { data, error, reload } = usePoll((signal) => engine<NetworkSummary[]>('GET', '/networks', { signal }), 5000);
  const { data: cs } = useContainers();
  const [nname, setName] = useState('');
  const [driver, setDriver] = useState('bridge');
  const [subnet, setSubnet] = useState('');
  const using = (n: NetworkSummary) => (cs ?? []).filter((c) => Object.entries(c.NetworkSettings?.Networks ?? {}).some(([k, v]) => k === n.Name || v.NetworkID === n.Id));
  return (
    <>
      <Section title="Create a network">
        <form class="run-form" aria-label="Create a network" onSubmit={async (e) => {
          e.preventDefault();
          await act(`create network ${nname}`, () => engine('POST', '/networks/create', { body: { Name: nname.trim(), Driver: driver, ...(subnet.trim() ? { IPAM: { Config: [{ Subnet: subnet.trim() }] } } : {}) } }));
          setName(''); reload();
        }}>
          <label>Name <input required value={nname} onInput={(e) => setName(e.currentTarget.value)} /></label>
          <label>Driver <select value={driver} onChange={(e) => setDriver(e.currentTarget.value)}><option>bridge</option><option>macvlan</option><option>ipvlan</option></select></label>
          <label>Subnet <input value={subnet} placeholder="(automatic)" onInput={(e) => setSubnet(e.currentTarget.value)} /></label>
          <button type="submit" disabled={!nname.trim()}>Create</button>
        </form>
      </Section>
      <Section title="Networks" actions={<ActionButton label="Prune unused" what="prune networks" run={async () => { await engine('POST', '/networks/prune'); reload(); }} />}>
        <LoadError error={error} />
        <div class="table-wrap"><table class="list" data-testid="network-list">
          <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Driver</th><th scope="col">Subnet</th><th scope="col">Containers</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>{(data ?? []).map((n) => (
            <tr key={n.Id}>
              <td>{n.Name}</td><td class="mono">{shortId(n.Id)}</td><td>{n.Driver}</td>
              <td class="mono">{(n.IPAM?.Config ?? []).map((c) => c.Subnet).filter(Boolean).join(', ')}</td>
              <td><Users cs={using(n)} /></td>
              <td>{!['bridge', 'host', 'none'].includes(n.Name) && <ActionButton label="Remove" what={`remove network ${n.Name}`} danger run={async () => { await engine('DELETE', `/networks/${n.Id}`); reload(); }} />}</td>
            </tr>
          ))}</tbody>
        </table></div>
      </Section>
    </>
  );
}

export function VolumesPage() {
  const { data, error, reload } = usePoll((signal) => engine<{ Volumes: VolumeSummary[] | null }>('GET', '/volumes', { signal }), 5000);
  const { data: cs } = useContainers();
  const [vname, setName] = useState('');
  const using = (v: VolumeSummary) => (cs ?? []).filter((c) => (c.Mounts ?? []).some((m) => m.Type === 'volume' && m.Name === v.Name));
  const vols = data?.Volumes ?? [];
  return (
    <>
      <Section title="Create a volume">
        <form class="run-form" aria-label="Create a volume" onSubmit={async (e) => {
          e.preventDefault();
          await act(`create volume ${vname}`, () => engine('POST', '/volumes/create', { body: vname.trim() ? { Name: vname.trim() } : {} }));
          setName(''); reload();
        }}>
          <label>Name <input value={vname} placeholder="(generated)" onInput={(e) => setName(e.currentTarget.value)} /></label>
          <button type="submit">Create</button>
        </form>
      </Section>
      <Section title="Volumes" actions={<ActionButton label="Prune unused" what="prune volumes" danger run={async () => { await engine('POST', '/volumes/prune', { query: { filters: JSON.stringify({ all: ['true'] }) } }); reload(); }} />}>
        <LoadError error={error} />
        {data && vols.length === 0 ? <Empty>No volumes.</Empty> : (
          <div class="table-wrap"><table class="list" data-testid="volume-list">
            <thead><tr><th scope="col">Name</th><th scope="col">Driver</th><th scope="col" class="wide">Mount point</th><th scope="col">Containers</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>{vols.map((v) => (
              <tr key={v.Name}>
                <td class="mono trunc" title={v.Name}>{v.Name}</td><td>{v.Driver}</td><td class="mono wide trunc">{v.Mountpoint}</td>
                <td><Users cs={using(v)} /></td>
                <td><ActionButton label="Remove" what={`remove volume ${v.Name}`} danger run={async () => { await engine('DELETE', `/volumes/${encodeURIComponent(v.Name)}`); reload(); }} /></td>
              </tr>
            ))}</tbody>
          </table></div>
        )}
      </Section>
    </>
  );
}

