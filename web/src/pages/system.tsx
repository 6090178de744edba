/** System: disk usage with prune, and the engine's info and version. */
import { engine } from '../api.ts';
import { usePoll } from '../components/hooks.ts';
import { ActionButton, KeyValues, LoadError, Section } from '../components/ui.tsx';
import { bytes } from '../format.ts';

interface Usage { ActiveCount: number; TotalCount: number; Reclaimable: number; TotalSize: number }
/** API 1.52+ answers the per-type summaries; older engines (and dockerd before 29) the legacy lists */
interface Df { ImageUsage?: Usage; ContainerUsage?: Usage; VolumeUsage?: Usage; BuildCacheUsage?: Usage; LayersSize?: number; Images?: Array<{ Size: number; Containers: number }> | null; Containers?: Array<{ SizeRw?: number; State: string }> | null; Volumes?: Array<{ UsageData?: { Size: number; RefCount: number } }> | null; BuildCache?: Array<{ Size: number; InUse: boolean }> | null }
interface Info { Name: string; ServerVersion: string; OperatingSystem: string; KernelVersion: string; Architecture: string; NCPU: number; MemTotal: number; Driver: string; DockerRootDir: string; CgroupDriver?: string; CgroupVersion?: string; DefaultRuntime?: string; Containers: number; ContainersRunning: number; ContainersStopped: number; ContainersPaused: number; Images: number; SecurityOptions?: string[] }

export function SystemPage() {
  const { data: df, error, reload } = usePoll((signal) => engine<Df>('GET', '/system/df', { signal }), 10_000);
  const { data: info, error: infoErr } = usePoll((signal) => engine<Info>('GET', '/info', { signal }), 10_000);
  const { data: version } = usePoll((signal) => engine<{ Version: string; ApiVersion: string; GoVersion?: string; Os: string; Arch: string }>('GET', '/version', { signal }), 0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const prune = (path: string, query?: Record<string, string>) => async () => { await engine('POST', path, { query }); reload(); };
  const legacy = (xs: Array<{ active: boolean; size: number }> | undefined, total?: number): Usage | undefined => xs && {
    TotalCount: xs.length, ActiveCount: xs.filter((x) => x.active).length, TotalSize: total ?? sum(xs.map((x) => x.size)),
    Reclaimable: sum(xs.filter((x) => !x.active).map((x) => x.size)),
  };
  const rows: Array<[string, Usage | undefined, () => Promise<void>]> = df ? [
    ['Images', df.ImageUsage ?? legacy(df.Images?.map((i) => ({ active: i.Containers > 0, size: i.Size })), df.LayersSize), prune('/images/prune', { filters: JSON.stringify({ dangling: ['false'] }) })],
    ['Containers', df.ContainerUsage ?? legacy(df.Containers?.map((c) => ({ active: c.State === 'running', size: c.SizeRw ?? 0 }))), prune('/containers/prune')],
    ['Local volumes', df.VolumeUsage ?? legacy(df.Volumes?.map((v) => ({ active: (v.UsageData?.RefCount ?? 0) > 0, size: Math.max(0, v.UsageData?.Size ?? 0) }))), prune('/volumes/prune', { filters: JSON.stringify({ all: ['true'] }) })],
    ['Build cache', df.BuildCacheUsage ?? legacy(df.BuildCache?.map((b) => ({ active: b.InUse, size: b.Size }))), prune('/build/prune')],
  ] : [];
  return (
    <>
      <Section title="Disk usage">
        <LoadError error={error} />
        <table class="list" data-testid="disk-usage"><thead><tr><th scope="col">Type</th><th scope="col">Total</th><th scope="col">Active</th><th scope="col">Size</th><th scope="col">Reclaimable</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>{rows.map(([t, u, run]) => (
            <tr key={t}><td>{t}</td><td>{u?.TotalCount ?? 0}</td><td>{u?.ActiveCount ?? 0}</td><td>{bytes(u?.TotalSize ?? 0)}</td><td>{bytes(u?.Reclaimable ?? 0)}</td><td><ActionButton label="Prune" what={`prune ${t.toLowerCase()}`} danger run={run} /></td></tr>
          ))}</tbody></table>
      </Section>
      <Section title="Engine">
        <LoadError error={infoErr} />
        {info && <KeyValues rows={[
          ['Name', info.Name], ['Version', version ? `${version.Version} (API ${version.ApiVersion})` : info.ServerVersion],
          ['Operating system', info.OperatingSystem], ['Kernel', info.KernelVersion], ['Architecture', info.Architecture],
          ['CPUs', String(info.NCPU)], ['Memory', bytes(info.MemTotal)], ['Storage driver', info.Driver], ['Root directory', info.DockerRootDir],
          ['Cgroups', [info.CgroupDriver, info.CgroupVersion && `v${info.CgroupVersion}`].filter(Boolean).join(' ')], ['Default runtime', info.DefaultRuntime],
          ['Containers', `${info.Containers} (${info.ContainersRunning} running, ${info.ContainersPaused} paused, ${info.ContainersStopped} stopped)`],
          ['Images', String(info.Images)], ['Security options', (info.SecurityOptions ?? []).join(', ')],
        ]} />}
      </Section>
    </>
  );
}
