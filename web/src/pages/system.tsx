/** System: disk usage with prune, and the engine's info and version. */
import { engine } from '../api.ts';
import { usePoll } from '../components/hooks.ts';
import { ActionButton, KeyValues, LoadError, Section } from '../components/ui.tsx';
import { bytes } from '../format.ts';

interface Df { LayersSize?: number; Images?: Array<{ Size: number; Containers: number }> | null; Containers?: Array<{ SizeRw?: number; State: string }> | null; Volumes?: Array<{ UsageData?: { Size: number; RefCount: number } }> | null; BuildCache?: Array<{ Size: number; InUse: boolean }> | null }
interface Info { Name: string; ServerVersion: string; OperatingSystem: string; KernelVersion: string; Architecture: string; NCPU: number; MemTotal: number; Driver: string; DockerRootDir: string; CgroupDriver?: string; CgroupVersion?: string; DefaultRuntime?: string; Containers: number; ContainersRunning: number; ContainersStopped: number; ContainersPaused: number; Images: number; SecurityOptions?: string[] }

export function SystemPage() {
  const { data: df, error, reload } = usePoll((signal) => engine<Df>('GET', '/system/df', { signal }), 10_000);
  const { data: info, error: infoErr } = usePoll((signal) => engine<Info>('GET', '/info', { signal }), 10_000);
  const { data: version } = usePoll((signal) => engine<{ Version: string; ApiVersion: string; GoVersion?: string; Os: string; Arch: string }>('GET', '/version', { signal }), 0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const prune = (path: string, query?: Record<string, string>) => async () => { await engine('POST', path, { query }); reload(); };
  const rows: Array<[string, number, number, number, string, () => Promise<void>]> = df ? [
    ['Images', df.Images?.length ?? 0, df.Images?.filter((i) => i.Containers > 0).length ?? 0, df.LayersSize ?? sum((df.Images ?? []).map((i) => i.Size)), '/images/prune', prune('/images/prune', { filters: JSON.stringify({ dangling: ['false'] }) })],
    ['Containers', df.Containers?.length ?? 0, df.Containers?.filter((c) => c.State === 'running').length ?? 0, sum((df.Containers ?? []).map((c) => c.SizeRw ?? 0)), '/containers/prune', prune('/containers/prune')],
    ['Local volumes', df.Volumes?.length ?? 0, df.Volumes?.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length ?? 0, sum((df.Volumes ?? []).map((v) => Math.max(0, v.UsageData?.Size ?? 0))), '/volumes/prune', prune('/volumes/prune')],
    ['Build cache', df.BuildCache?.length ?? 0, df.BuildCache?.filter((b) => b.InUse).length ?? 0, sum((df.BuildCache ?? []).map((b) => b.Size)), '/build/prune', prune('/build/prune')],
  ] : [];
  return (
    <>
      <Section title="Disk usage">
        <LoadError error={error} />
        <table class="list" data-testid="disk-usage"><thead><tr><th scope="col">Type</th><th scope="col">Total</th><th scope="col">Active</th><th scope="col">Size</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>{rows.map(([t, total, active, size, , run]) => (
            <tr key={t}><td>{t}</td><td>{total}</td><td>{active}</td><td>{bytes(size)}</td><td><ActionButton label="Prune" what={`prune ${t.toLowerCase()}`} danger run={run} /></td></tr>
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
