/** Images: the list, pull with per-layer progress, history, SBOM and scan findings, remove and prune. */
import { useState } from 'preact/hooks';
import { act, engine, engineStream } from '../api.ts';
import { usePoll } from '../components/hooks.ts';
import { ActionButton, Empty, LoadError, Section } from '../components/ui.tsx';
import { ago, bytes, shortId } from '../format.ts';
import { href } from '../router.ts';
import { jsonLines } from '../streams.ts';
import type { HistoryItem, ImageSummary } from '../types.ts';
import { splitRef } from '../parse.ts';

export function ImagesPage() {
  const { data, error, reload } = usePoll((signal) => engine<ImageSummary[]>('GET', '/images/json', { signal }), 5000);
  return (
    <>
      <Pull onDone={reload} />
      <Section title="Images" actions={<>
        <ActionButton label="Prune dangling" what="prune images" run={async () => { await engine('POST', '/images/prune'); reload(); }} />
        <ActionButton label="Prune unused" what="prune images" danger run={async () => { await engine('POST', '/images/prune', { query: { filters: JSON.stringify({ dangling: ['false'] }) } }); reload(); }} />
      </>}>
        <LoadError error={error} />
        {data && data.length === 0 ? <Empty>No images: pull one above.</Empty> : (
          <div class="table-wrap"><table class="list" data-testid="image-list">
            <thead><tr><th scope="col">Tag</th><th scope="col">ID</th><th scope="col">Created</th><th scope="col">Size</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>{(data ?? []).flatMap((i) => (i.RepoTags?.length ? i.RepoTags : [null]).map((tag) => {
              // one row per tag, as `docker images`: removing a row untags it (the image goes with its last tag)
              const ref = tag ?? i.Id;
              return (
                <tr key={`${i.Id}-${ref}`}>
                  <td><a href={href('images', ref)}>{tag ?? '<none>'}</a></td>
                  <td class="mono">{shortId(i.Id)}</td><td>{ago(i.Created)}</td><td>{bytes(i.Size)}</td>
                  <td><ActionButton label="Remove" what={`remove ${tag ?? shortId(i.Id)}`} danger run={async () => { await engine('DELETE', `/images/${encodeURIComponent(ref)}`); reload(); }} /></td>
                </tr>
              );
            }))}</tbody>
          </table></div>
        )}
      </Section>
    </>
  );
}

interface Progress { id?: string; status?: string; progress?: string; progressDetail?: { current?: number; total?: number }; error?: string; errorDetail?: { message?: string } }
interface Layer { id: string; status: string; current?: number; total?: number }

function Pull(props: { onDone: () => void }) {
  const [ref, setRef] = useState('');
  const [layers, setLayers] = useState<Layer[]>([]);
  const [status, setStatus] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setLayers([]); setStatus([]);
    const seen = new Map<string, Layer>();
    await act(`pull ${ref}`, async () => {
      let failure: string | undefined;
      await engineStream('POST', '/images/create', jsonLines<Progress>((p) => {
        if (p.error) { failure = p.errorDetail?.message ?? p.error; return; }
        // a layer's line has its short ID; the image's own lines ("<tag>: Pulling from …", the digest) have none
        if (p.id && !/^Pulling from /.test(p.status ?? '')) {
          seen.set(p.id, { id: p.id, status: p.status ?? '', current: p.progressDetail?.current, total: p.progressDetail?.total });
          setLayers([...seen.values()]);
        } else if (p.status) {
          setStatus((s) => [...s, p.id ? `${p.id}: ${p.status}` : p.status!]);
        }
      }), { query: splitRef(ref.trim()) });
      if (failure) throw new Error(failure);
    });
    setBusy(false);
    props.onDone();
  };
  return (
    <Section title="Pull an image">
      <form class="run-form" onSubmit={submit} aria-label="Pull an image">
        <label class="grow">Image reference <input required name="reference" value={ref} placeholder="registry.example:5000/repo:tag" onInput={(e) => setRef(e.currentTarget.value)} /></label>
        <button type="submit" disabled={busy || !ref.trim()} aria-busy={busy}>Pull</button>
      </form>
      {(layers.length > 0 || status.length > 0) && (
        <div class="pull-progress" data-testid="pull-progress" aria-live="polite">
          {layers.map((l) => (
            <div class="layer" key={l.id} data-layer={l.id} data-status={l.status}>
              <span class="mono">{l.id}</span>
              <span>{l.status}</span>
              {l.total ? <progress max={l.total} value={l.current ?? 0} aria-label={`layer ${l.id}`} /> : <progress max={1} value={/complete|exists/i.test(l.status) ? 1 : 0} aria-label={`layer ${l.id}`} />}
              <span class="muted">{l.total ? `${bytes(l.current)} / ${bytes(l.total)}` : ''}</span>
            </div>
          ))}
          <ul class="plain muted">{status.map((s, i) => <li key={i}>{s}</li>)}</ul>
        </div>
      )}
    </Section>
  );
}

interface Sbom { packages: Array<{ name: string; version: string; type: string; licenses: string[]; purl: string }>; warnings: unknown[]; distro?: { prettyName?: string; id?: string; versionId?: string } }
interface ScanReport { findings: Array<{ id: string; severity: string; summary?: string; installed: string; fixedIn?: string; package: { name: string } }>; packagesScanned: number; incomplete: boolean; db: { advisories: number; sources: string[]; updated?: string } }

export function ImageDetail(props: { ref_: string }) {
  const ref = props.ref_;
  const enc = encodeURIComponent(ref);
  const { data: info, error } = usePoll((signal) => engine<{ Id: string; RepoTags: string[]; Architecture: string; Os: string; Size: number; Config?: { Cmd?: string[]; Entrypoint?: string[]; Env?: string[] } }>('GET', `/images/${enc}/json`, { signal }), 0, [ref]);
  const { data: history } = usePoll((signal) => engine<HistoryItem[]>('GET', `/images/${enc}/history`, { signal }), 0, [ref]);
  const [sbom, setSbom] = useState<Sbom | null>(null);
  const [scan, setScan] = useState<ScanReport | null>(null);
  return (
    <Section title={`Image ${ref}`}>
      <LoadError error={error} />
      {info && <p class="mono">{info.Id} · {info.Os}/{info.Architecture} · {bytes(info.Size)}</p>}
      <h3>Layers (history)</h3>
      {history && <table class="list" data-testid="history"><thead><tr><th scope="col">Created</th><th scope="col">Created by</th><th scope="col">Size</th></tr></thead>
        <tbody>{history.map((h, i) => <tr key={i}><td>{ago(h.Created)}</td><td class="mono trunc" title={h.CreatedBy}>{h.CreatedBy}</td><td>{bytes(h.Size)}</td></tr>)}</tbody></table>}
      <h3>Software bill of materials</h3>
      <ActionButton label={sbom ? 'Refresh SBOM' : 'Make the SBOM'} what="SBOM" run={async () => setSbom(await engine<Sbom>('GET', `/berth/images/${enc}/sbom`))} />
      {sbom && (sbom.packages.length === 0 ? <Empty>No packages found{sbom.warnings.length ? ` (${sbom.warnings.length} warnings)` : ''}.</Empty> : (
        <table class="list" data-testid="sbom"><caption>{sbom.packages.length} packages{sbom.distro?.prettyName ? ` on ${sbom.distro.prettyName}` : ''}</caption>
          <thead><tr><th scope="col">Package</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col">Licenses</th></tr></thead>
          <tbody>{sbom.packages.map((p) => <tr key={p.purl}><td>{p.name}</td><td class="mono">{p.version}</td><td>{p.type}</td><td>{p.licenses.join(', ')}</td></tr>)}</tbody></table>
      ))}
      <h3>Vulnerability scan</h3>
      <ActionButton label={scan ? 'Scan again' : 'Scan'} what="scan" run={async () => setScan(await engine<ScanReport>('GET', `/berth/images/${enc}/scan`))} />
      {scan && (
        <>
          <p class="muted">{scan.packagesScanned} packages checked against {scan.db.advisories} advisories{scan.db.sources.length ? ` (${scan.db.sources.join(', ')})` : ''}{scan.incomplete ? '; incomplete' : ''}.</p>
          {scan.findings.length === 0 ? <Empty>No findings.</Empty> : (
            <table class="list" data-testid="scan"><thead><tr><th scope="col">Advisory</th><th scope="col">Severity</th><th scope="col">Package</th><th scope="col">Installed</th><th scope="col">Fixed in</th><th scope="col">Summary</th></tr></thead>
              <tbody>{scan.findings.map((f) => <tr key={f.id + f.package.name}><td class="mono">{f.id}</td><td><span class={`sev ${f.severity.toLowerCase()}`}>{f.severity}</span></td><td>{f.package.name}</td><td class="mono">{f.installed}</td><td class="mono">{f.fixedIn ?? '—'}</td><td>{f.summary}</td></tr>)}</tbody></table>
          )}
        </>
      )}
    </Section>
  );
}
