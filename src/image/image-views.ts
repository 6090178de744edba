/** Docker Engine API shapes of local images: ImageInspect, HistoryResponseItem[], ImageSummary[]. */
import { boolFilter, checkFilterKeys, globToRegExp, matchLabels, parseTimestamp, type Filters } from './filters.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { familiarName, familiarString, parseNormalizedNamed } from './reference.js';

export interface SummaryOptions { all?: boolean; digests?: boolean; filters?: Filters }

function unixSeconds(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

const familiar = (full: string): string => familiarString(parseNormalizedNamed(full));

/** The image's container config as Docker's inspect shows it (null where unset). */
function imageConfigView(c: any): any {
  const cfg = c ?? {};
  const out: any = {
    User: cfg.User ?? '',
    Env: cfg.Env ?? null,
    Cmd: cfg.Cmd ?? null,
    WorkingDir: cfg.WorkingDir ?? '',
    Entrypoint: cfg.Entrypoint ?? null,
    OnBuild: cfg.OnBuild ?? null,
    Labels: cfg.Labels ?? null,
  };
  for (const k of ['ExposedPorts', 'Volumes', 'StopSignal', 'Healthcheck', 'Shell', 'ArgsEscaped']) {
    if (cfg[k] !== undefined && cfg[k] !== null) out[k] = cfg[k];
  }
  return out;
}

export function buildInspect(store: ImageStore, img: ImageRecord): any {
  const cfg = img.config ?? {};
  const graph: Record<string, string> = {};
  if (img.topChainId) {
    try {
      const dirs = store.layers.lowerDirs(img.topChainId);
      graph.UpperDir = dirs[0];
      if (dirs.length > 1) graph.LowerDir = dirs.slice(1).join(':');
    } catch { /* layer missing: report no paths rather than fail inspect */ }
  }
  const out: any = {
    Id: img.id,
    RepoTags: img.repoTags.map(familiar),
    RepoDigests: img.repoDigests.map(familiar),
    Parent: img.parent,
    Comment: cfg.comment ?? '',
    Created: cfg.created ?? img.created,
    Author: cfg.author ?? '',
    Config: imageConfigView(cfg.config),
    Architecture: cfg.architecture ?? '',
    Os: cfg.os ?? 'linux',
    Size: img.size,
    GraphDriver: { Name: 'overlay2', Data: graph },
    RootFS: { Type: 'layers', Layers: (cfg.rootfs?.diff_ids as string[] | undefined) ?? [] },
    Metadata: img.lastTagTime ? { LastTagTime: img.lastTagTime } : {},
  };
  if (cfg.variant) out.Variant = cfg.variant;
  if (cfg['os.version']) out.OsVersion = cfg['os.version'];
  return out;
}

/** docker history: newest first; entries below the top are `<missing>` unless a local parent image owns them. */
export function buildHistory(store: ImageStore, img: ImageRecord): any[] {
  const hist = (img.config?.history ?? []) as any[];
  const out: any[] = [];
  let layerIdx = 0;
  for (const h of hist) {
    let size = 0;
    if (!h.empty_layer) {
      size = img.layers[layerIdx]?.diffSize ?? 0;
      layerIdx++;
    }
    out.unshift({ Id: '<missing>', Created: unixSeconds(h.created), CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  let cur: ImageRecord | undefined = img;
  for (const item of out) {
    if (!cur) break;
    item.Id = cur.id;
    item.Tags = cur.repoTags.length ? cur.repoTags.map(familiar) : null;
    cur = cur.parent ? store.get(cur.parent) : undefined;
  }
  return out;
}

const SUMMARY_FILTERS = ['dangling', 'label', 'before', 'since', 'reference', 'until'];

/** docker images: newest first; intermediate images only with `all`. */
/** `images`: the store's list when the caller has just read it (system df), so it is not parsed twice. */
export function buildSummaries(store: ImageStore, opts: SummaryOptions, images: ImageRecord[] = store.list()): any[] {
  const f = opts.filters ?? {};
  checkFilterKeys(f, SUMMARY_FILTERS);
  const danglingOnly = boolFilter(f, 'dangling') === true;
  let beforeT: number | undefined;
  let sinceT: number | undefined;
  for (const b of f.before ?? []) beforeT = unixMs(store.resolve(b).created);
  for (const s of f.since ?? []) sinceT = unixMs(store.resolve(s).created);
  const untilT = f.until?.length ? parseTimestamp(f.until[f.until.length - 1]) : undefined;
  const patterns = (f.reference ?? []).map(globToRegExp);

  const out: any[] = [];
  for (const img of images) {
    const created = unixMs(img.created);
    if (beforeT !== undefined && created >= beforeT) continue;
    if (sinceT !== undefined && created <= sinceT) continue;
    if (untilT !== undefined && created >= untilT) continue;
    const labels = img.config?.config?.Labels ?? null;
    if (f.label?.length && !matchLabels(f.label, labels)) continue;
    if (danglingOnly && store.children(img.id).length > 0) continue; // Docker lists heads only

    let tags = img.repoTags;
    let digests = img.repoDigests;
    if (patterns.length) {
      const match = (full: string): boolean => {
        const r = parseNormalizedNamed(full);
        return patterns.some((p) => p.test(familiarString(r)) || p.test(familiarName(r)));
      };
      tags = tags.filter(match);
      digests = digests.filter(match);
      if (tags.length === 0 && digests.length === 0) continue;
    }
    if (img.repoTags.length === 0 && img.repoDigests.length === 0) {
      if (!(opts.all || store.children(img.id).length === 0)) continue; // intermediate image
      if (f.dangling?.length && !danglingOnly) continue;
    } else if (danglingOnly && img.repoTags.length > 0) {
      continue;
    }
    out.push({
      Containers: store.options.containerCount ? store.options.containerCount(img.id) : -1,
      Created: unixSeconds(img.created),
      Id: img.id,
      Labels: labels ?? {},
      ParentId: img.parent,
      RepoDigests: digests.map(familiar),
      RepoTags: tags.map(familiar),
      SharedSize: -1,
      Size: img.size,
    });
  }
  out.sort((a, b) => b.Created - a.Created);
  return out;
}

function unixMs(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}
