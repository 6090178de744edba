/**
 * The builder: a Dockerfile's stages as a graph (needed stages only, independent
 * ones in parallel), each step cached by what determines its output, RUN steps as
 * real containers, COPY/ADD through an overlay snapshot, and the final image
 * assembled from the layers with Docker's config and history.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId, shortId } from '../common/digest.js';
import { BerthError, InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { tryGoDurationNs } from '../common/go-duration.js';
import type { BuildHost } from './build-host.js';
import type { ImageLayer, ImageRecord } from '../image/image-store.js';
import type { HistoryEntry } from '../image/image-format.js';
import { parseNormalizedNamed } from '../image/reference.js';
import { BuildCache } from './cache.js';
import { BuildContext } from './context/build-context.js';
import { DiskContextFs, type ContextFs } from './context/context-fs.js';
import { parseInstructions, findStage, type Dockerfile, type Instruction, type Stage } from './parser/instructions.js';
import { DockerfileError, formatLocation } from './parser/errors.js';
import { envLookup, processWord, processWords } from './parser/shell-lex.js';
import { assembleImage, commitLayer } from './layer-commit.js';
import { runInContainer } from './run-container.js';
import { copyIntoRoot, type CopyPlan } from './copy.js';
import { runMountsFor } from './run-mounts.js';
import { resolveUser } from '../runtime/user.js';
import type { Credentials } from '../registry/client/http.js';
import { pullBaseImage } from './base-image.js';
import { PolicyDeniedError } from '../sign/admission.js';
import { parseSize } from './prune-options.js';
import { tx } from '../store/db.js';
import { mountAll } from '../snapshot/mounts.js';

export interface BuildOptions {
  /** the context: a directory, or `context` (e.g. a tar kept in memory) */
  contextDir?: string;
  context?: ContextFs;
  /** relative to contextDir */
  dockerfile?: string;
  tags?: string[];
  buildArgs?: Record<string, string | null>;
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  cacheFrom?: string[];
  network?: string;
  /** credentials for pulling base images (from the client's X-Registry-Config) */
  registryCreds?: (domain: string) => Credentials | undefined;
  /** platform of base images pulled from a registry */
  platform?: string;
  /** secrets for RUN --mount=type=secret (library callers); never stored */
  secrets?: Record<string, Buffer>;
  onOutput?: (text: string) => void;
  /** stops the build before its next step (a RUN step under way runs to its end) */
  signal?: AbortSignal;
}

export interface BuildResult { imageId: string; cachedSteps: number; executedSteps: number }

/** A stage's state between steps: what an image would be at this point. */
interface State {
  key: string;
  config: any;
  layers: ImageLayer[];
  history: HistoryEntry[];
  author?: string;
  architecture?: string;
  baseId?: string;
  cmdSet: boolean;
  /** a step of this state's chain ran in this build: the metadata steps after it are new too (as dockerd's new image ids) */
  fresh?: boolean;
}

const PROXY_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];
const DEFAULT_SHELL = ['/bin/sh', '-c'];
const NOP = '/bin/sh -c #(nop) ';

const hash = (...parts: unknown[]): string => 'sha256:' + createHash('sha256').update(JSON.stringify(parts)).digest('hex');

const FINAL_SCHEMA = `CREATE TABLE IF NOT EXISTS build_results (key TEXT PRIMARY KEY, image_id TEXT NOT NULL, created INTEGER NOT NULL)`;

export class Builder {
  readonly cache: BuildCache;

  constructor(private readonly engine: BuildHost) {
    engine.db.exec(FINAL_SCHEMA);
    this.cache = new BuildCache(engine.db, {
      removeLayer: (c) => engine.layers.remove(c),
      layerUsedByImage: (c) => engine.db.prepare('SELECT 1 FROM images WHERE instr(layers_json, ?) > 0').get(`"chainId":"${c}"`) !== undefined,
      deleteBlobIfUnused: async (d) => { if (!engine.images.blobReferenced(d) && engine.content.has(d)) await engine.content.delete(d); },
      layerExists: (c) => engine.layers.get(c) !== undefined,
      blobExists: (d) => engine.content.has(d),
    });
    // the cache's size budget: BERTH_BUILD_CACHE_BUDGET (e.g. `10GB`, `512MB`) in the daemon's environment
    const budget = process.env.BERTH_BUILD_CACHE_BUDGET;
    if (budget) this.cache.budgetBytes = parseSize(budget);
  }

  async build(opts: BuildOptions): Promise<BuildResult> {
    const fs = opts.context ?? new DiskContextFs(opts.contextDir ?? '.');
    const dockerfileName = opts.dockerfile || 'Dockerfile';
    let text: string;
    try { text = (await fs.readFile(dockerfileName)).toString('utf8'); } catch {
      throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${dockerfileName}`, 'ERR_BUILD_NO_DOCKERFILE');
    }
    const run = new BuildRun(this.engine, this.cache, opts, text, await BuildContext.open(fs, dockerfileName));
    const res = await run.execute();
    if (res.executedSteps > 0) await this.cache.enforceBudget().catch(() => undefined); // a cached build adds nothing
    return res;
  }
}

class BuildRun {
  private readonly out: (text: string) => void;
  private readonly df: Dockerfile;
  private readonly ctx: BuildContext;
  private readonly dockerfileName: string;
  private readonly stagePromises = new Map<number, Promise<State>>();
  private readonly usedArgs = new Set<string>();
  private stepNo = 0;
  private totalSteps = 0;
  private cached = 0;
  private executed = 0;
  private readonly snapshotKeys = new Set<string>();
  private readonly usedCacheKeys = new Set<string>();
  /** metadata steps built or found in this build, recorded when it ends */
  private readonly metaKeys = new Set<string>();
  /** the target stage's last step is running: its ` ---> <id>` is the final image's, printed by finish() */
  private finalStep = false;
  private targetIndex = -1;
  private readonly baseImages = new Map<string, Promise<ImageRecord>>();
  private cacheSources?: Array<{ layers: ImageLayer[]; history: HistoryEntry[] }>;

  constructor(private readonly engine: BuildHost, private readonly cache: BuildCache, private readonly opts: BuildOptions, text: string, ctx: BuildContext) {
    this.out = opts.onOutput ?? (() => undefined);
    this.dockerfileName = opts.dockerfile || 'Dockerfile';
    this.df = parseInstructions(text, this.dockerfileName);
    this.ctx = ctx;
    for (const t of opts.tags ?? []) parseNormalizedNamed(t); // refuse a bad tag before any work
  }

  private stepHeader(text: string, stage: Stage): void {
    this.stepNo++;
    this.out(`Step ${this.stepNo}/${this.totalSteps} : ${text}\n`);
    void stage;
  }

  async execute(): Promise<BuildResult> {
    const metaEnv = this.metaArgs();
    const targetStage = this.opts.target
      ? this.df.stages.find((s) => s.name === this.opts.target!.toLowerCase())
      : this.df.stages.at(-1)!;
    if (!targetStage) throw new InvalidArgumentError(`failed to reach build target ${this.opts.target} in Dockerfile`, 'ERR_BUILD_TARGET');
    this.targetIndex = targetStage.index;
    const needed = this.neededStages(targetStage, metaEnv);
    this.totalSteps = this.df.metaArgs.length + [...needed].reduce((n, i) => n + 1 + this.df.stages[i].instructions.length, 0);
    for (const a of this.df.metaArgs) { this.stepNo++; this.out(`Step ${this.stepNo}/${this.totalSteps} : ARG ${a.args.join(' ')}\n`); }
    for (const i of [...needed].sort((a, b) => a - b)) this.stageState(i, metaEnv);
    try {
      const results = await Promise.allSettled([...needed].map((i) => this.stagePromises.get(i)!));
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) throw failed.reason;
      const final = await this.stagePromises.get(targetStage.index)!;
      const imageId = await this.finish(final);
      this.cache.touch(this.usedCacheKeys);
      return { imageId, cachedSteps: this.cached, executedSteps: this.executed };
    } finally {
      this.cache.metaTouch(this.metaKeys); // as dockerd keeps the images of the steps that were committed
      for (const k of this.snapshotKeys) await this.engine.snapshots.remove(k).catch(() => undefined);
    }
  }

  private async finish(state: State): Promise<string> {
    const tags = this.opts.tags ?? [];
    // --label: on the final image, over the Dockerfile's labels (as Docker's builder)
    if (this.opts.labels && Object.keys(this.opts.labels).length) state = { ...state, config: { ...state.config, Labels: { ...(state.config.Labels ?? {}), ...this.opts.labels } } };
    const finalKey = hash(state.key, 'final', state.config, state.author ?? '');
    const prior = this.engine.db.prepare('SELECT image_id FROM build_results WHERE key = ?').get(finalKey) as { image_id: string } | undefined;
    let imageId: string;
    if (prior && this.executed === 0 && !this.opts.noCache && this.engine.images.get(prior.image_id)) {
      imageId = prior.image_id;
      // a fully cached build: the tags and the cache's use marks in one transaction
      tx(this.engine.db, () => {
        for (const t of tags) this.engine.images.tag(imageId, t);
        this.cache.touch(this.usedCacheKeys);
        this.usedCacheKeys.clear();
      });
    } else {
      const img = await assembleImage(this.engine.content, this.engine.images, {
        config: state.config, layers: state.layers, history: state.history, author: state.author,
        architecture: state.architecture, parentId: state.baseId, created: new Date().toISOString(),
      }, tags);
      imageId = img.id;
      this.engine.db.prepare('INSERT OR REPLACE INTO build_results (key, image_id, created) VALUES (?, ?, ?)').run(finalKey, imageId, Date.now());
    }
    // dockerd's last ` ---> <id>` is the final image; then the unused build-args warning
    this.out(` ---> ${shortId(imageId)}\n`);
    const unused = Object.keys(this.opts.buildArgs ?? {}).filter((k) => !this.usedArgs.has(k) && !PROXY_ARGS.includes(k));
    if (unused.length) this.out(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    this.out(`Successfully built ${shortId(imageId)}\n`);
    for (const t of tags) this.out(`Successfully tagged ${t.includes(':') && !t.endsWith(']') ? t : t + ':latest'}\n`);
    return imageId;
  }

  // ---------- args ----------

  private metaArgs(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const ins of this.df.metaArgs) {
      for (const word of ins.args) {
        const [name, def] = splitArg(word, (w) => processWord(w, envLookup(env), { escapeToken: this.df.directives.escape }));
        const given = this.opts.buildArgs?.[name];
        if (given !== undefined && given !== null) { env[name] = given; this.usedArgs.add(name); } else if (def !== undefined) env[name] = def;
      }
    }
    return env;
  }

  private baseRef(stage: Stage, metaEnv: Record<string, string>): string {
    return this.subst(stage.base, envLookup(metaEnv), stage.location);
  }

  private subst(word: string, env: (n: string) => string | undefined, loc: { file: string; line: number }): string {
    try { return processWord(word, env, { escapeToken: this.df.directives.escape }); } catch (e) {
      throw new DockerfileError((e as Error).message, { file: loc.file, line: loc.line, column: 1 }, 'ERR_DOCKERFILE_SUBSTITUTION');
    }
  }

  private substWords(word: string, env: (n: string) => string | undefined, loc: { file: string; line: number }): string[] {
    try { return processWords(word, env, { escapeToken: this.df.directives.escape }); } catch (e) {
      throw new DockerfileError((e as Error).message, { file: loc.file, line: loc.line, column: 1 }, 'ERR_DOCKERFILE_SUBSTITUTION');
    }
  }

  // ---------- graph ----------

  /** The target and every stage it depends on (FROM, COPY --from, RUN --mount from=). */
  private neededStages(target: Stage, metaEnv: Record<string, string>): Set<number> {
    const need = new Set<number>();
    const visit = (s: Stage, path: number[]): void => {
      if (need.has(s.index)) return;
      need.add(s.index);
      const refs: string[] = [this.baseRef(s, metaEnv)];
      for (const ins of s.instructions) {
        if ((ins.kind === 'copy' || ins.kind === 'add') && typeof ins.flags.from === 'string') refs.push(ins.flags.from);
        if (ins.kind === 'run') for (const m of (ins.flags.mount as string[] | undefined) ?? []) { const f = /(?:^|,)from=([^,]+)/.exec(m); if (f) refs.push(f[1]); }
      }
      for (const r of refs) {
        if (r.toLowerCase() === s.name || (r === String(s.index) && refs[0] !== r)) {
          throw new DockerfileError(`circular dependency detected on stage: ${s.name ?? s.index}`, s.location, 'ERR_DOCKERFILE_CYCLE');
        }
        const dep = findStage(this.df.stages, r, s.index);
        if (dep) visit(dep, [...path, s.index]);
        else if (this.df.stages.some((o) => o.name === r.toLowerCase())) {
          throw new DockerfileError(`stage ${r} is defined after the stage that uses it`, s.location, 'ERR_DOCKERFILE_CYCLE');
        }
      }
    };
    visit(target, []);
    return need;
  }

  private stageState(index: number, metaEnv: Record<string, string>): Promise<State> {
    let p = this.stagePromises.get(index);
    if (!p) {
      p = this.buildStage(this.df.stages[index], metaEnv);
      p.catch(() => undefined); // observed by execute()
      this.stagePromises.set(index, p);
    }
    return p;
  }

  private async fromState(stage: Stage, metaEnv: Record<string, string>): Promise<State> {
    const ref = this.baseRef(stage, metaEnv);
    this.stepHeader(`FROM ${ref}${stage.name ? ` AS ${stage.name}` : ''}`, stage);
    if (ref === 'scratch') {
      this.stepId(stage, '');
      return { key: hash('scratch'), config: {}, layers: [], history: [], cmdSet: false };
    }
    const dep = findStage(this.df.stages, ref, stage.index);
    if (dep) {
      const s = await this.stageState(dep.index, metaEnv);
      this.stepId(stage, shortId(s.key));
      return { ...s, config: structuredClone(s.config), layers: [...s.layers], history: [...s.history], cmdSet: false };
    }
    const img = await this.resolveImage(ref, stage);
    this.stepId(stage, shortId(img.id));
    return {
      key: hash('image', img.id), config: structuredClone(img.config?.config ?? {}), layers: [...img.layers],
      history: [...(img.config?.history ?? [])], architecture: img.config?.architecture, baseId: img.id, cmdSet: false,
    };
  }

  /** A base image: local, else pulled (always with --pull), busybox bootstrapped when no registry answers. */
  private resolveImage(ref: string, stage: { location: { file: string; line: number } }): Promise<ImageRecord> {
    let p = this.baseImages.get(ref);
    if (!p) {
      p = this.findOrPull(ref, stage);
      this.baseImages.set(ref, p); // stages running in parallel pull a base once
    }
    return p;
  }

  private async findOrPull(ref: string, stage: { location: { file: string; line: number } }): Promise<ImageRecord> {
    const named = parseNormalizedNamed(ref);
    const bootstrappable = named.domain === 'docker.io' && named.path === 'library/busybox' && !named.digest && (named.tag ?? 'latest') === 'latest';
    const found = this.engine.images.tryResolve(ref);
    if (found && !this.opts.pull) {
      await this.engine.admitImage?.(ref, found);
      return found;
    }
    try {
      return await pullBaseImage(this.engine, ref, { creds: this.opts.registryCreds?.(named.domain), platform: this.opts.platform, out: (t) => this.out(t) });
    } catch (e) {
      if (e instanceof PolicyDeniedError) throw e; // the policy's refusal stays one (403, exit 125), not "pull access denied"
      const unreachable = e instanceof BerthError && (e as { httpStatus?: number }).httpStatus === 502;
      if (found && unreachable) {
        this.out(`could not reach ${named.domain} for --pull; using the local ${ref}\n`);
        await this.engine.admitImage?.(ref, found);
        return found;
      }
      if (bootstrappable && unreachable) {
        const { bootstrapImage } = await import('../image/bootstrap.js');
        const img = await bootstrapImage(this.engine.images, 'busybox');
        await this.engine.admitImage?.(ref, img);
        return img;
      }
      const why = e instanceof Error ? e.message : String(e);
      throw new NotFoundError(`${formatLocation({ file: stage.location.file, line: stage.location.line })}: pull access denied for ${ref}: no such image locally and the pull failed: ${why}`, 'ERR_IMAGE_NOT_FOUND');
    }
  }

  /** ` ---> <id>` after a step, except the target's last one (finish() prints the image's id there). */
  private stepId(stage: Stage, id: string): void {
    if (!(this.finalStep && stage.index === this.targetIndex)) this.out(` ---> ${id}\n`);
  }

  private async buildStage(stage: Stage, metaEnv: Record<string, string>): Promise<State> {
    const target = stage.index === this.targetIndex;
    // a FROM alone is the last step (ONBUILD triggers come from the base, so this is known only after it)
    if (target && stage.instructions.length === 0) this.finalStep = true;
    let state = await this.fromState(stage, metaEnv);
    const args = new Map<string, string>(); // stage ARG values
    const triggers: string[] = (state.config.OnBuild as string[] | undefined) ?? [];
    delete state.config.OnBuild;
    const instructions: Instruction[] = [];
    for (const t of triggers) {
      const parsed = parseInstructions(`FROM scratch\n${t}\n`, `${this.dockerfileName} (ONBUILD trigger)`);
      instructions.push(...parsed.stages[0].instructions.map((i) => ({ ...i, location: { ...stage.location } })));
    }
    this.totalSteps += instructions.length;
    instructions.push(...stage.instructions);
    if (target) this.finalStep = instructions.length === 0;
    for (const [i, ins] of instructions.entries()) {
      this.opts.signal?.throwIfAborted();
      if (target && i === instructions.length - 1) this.finalStep = true;
      const env = envLookup(Object.fromEntries(args), state.config.Env ?? []);
      state = await this.step(stage, ins, state, env, args, metaEnv);
    }
    return state;
  }

  // ---------- steps ----------

  private async step(stage: Stage, ins: Instruction, s: State, env: (n: string) => string | undefined, args: Map<string, string>, metaEnv: Record<string, string>): Promise<State> {
    const loc = ins.location;
    const NAME = ins.kind.toUpperCase();
    const meta = (text: string, change: (c: any) => void, extra: Partial<State> = {}): State => {
      this.stepHeader(text, stage);
      const config = structuredClone(s.config);
      change(config);
      const key = hash(s.key, text);
      // as dockerd's probe of the image cache: a step after one that ran is never cached
      if (!this.opts.noCache && !s.fresh && this.cache.metaSeen(key)) this.out(' ---> Using cache\n');
      this.metaKeys.add(key);
      this.stepId(stage, shortId(key));
      return { ...s, ...extra, key, config, history: [...s.history, { created: new Date().toISOString(), created_by: NOP + ' ' + text, empty_layer: true }] };
    };
    switch (ins.kind) {
      case 'env': case 'label': {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i + 2 < ins.args.length + 1; i += 3) {
          pairs.push([this.subst(ins.args[i], env, loc), this.subst(ins.args[i + 1], env, loc)]);
        }
        const text = `${NAME} ` + pairs.map(([k, v]) => `${k}=${v}`).join(' ');
        return meta(text, (c) => {
          if (ins.kind === 'env') {
            const list: string[] = [...(c.Env ?? [])];
            for (const [k, v] of pairs) {
              const i = list.findIndex((e) => e.split('=')[0] === k);
              if (i >= 0) list[i] = `${k}=${v}`; else list.push(`${k}=${v}`);
            }
            c.Env = list;
          } else c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(pairs) };
        });
      }
      case 'arg': {
        const parts: string[] = [];
        for (const w of ins.args) {
          const [name, def] = splitArg(w, (x) => this.subst(x, env, loc));
          const given = this.opts.buildArgs?.[name];
          let value: string | undefined;
          if (given !== undefined && given !== null) { value = given; this.usedArgs.add(name); } else if (def !== undefined) value = def;
          else if (name in metaEnv) value = metaEnv[name];
          if (value !== undefined) args.set(name, value); else args.delete(name);
          parts.push(def !== undefined ? `${name}=${def}` : name);
        }
        return meta(`ARG ${parts.join(' ')}`, () => undefined, {});
      }
      case 'workdir': {
        const dir = this.subst(ins.args[0], env, loc);
        return meta(`WORKDIR ${dir}`, (c) => { c.WorkingDir = dir.startsWith('/') ? dir : join(c.WorkingDir || '/', dir); });
      }
      case 'user': { const u = this.subst(ins.args[0], env, loc); return meta(`USER ${u}`, (c) => { c.User = u; }); }
      case 'stopsignal': { const v = this.subst(ins.args[0], env, loc); return meta(`STOPSIGNAL ${v}`, (c) => { c.StopSignal = v; }); }
      case 'maintainer': return meta(`MAINTAINER ${ins.args[0]}`, () => undefined, { author: ins.args[0] });
      case 'expose': {
        const ports = ins.args.flatMap((a) => this.substWords(a, env, loc)).flatMap(expandPorts);
        return meta(`EXPOSE ${ports.map((p) => p.replace(/\/tcp$/, '')).join(' ')}`, (c) => {
          c.ExposedPorts = { ...(c.ExposedPorts ?? {}), ...Object.fromEntries(ports.map((p) => [p, {}])) };
        });
      }
      case 'volume': {
        const vols = ins.json ? ins.args.map((a) => this.subst(a, env, loc)) : ins.args.flatMap((a) => this.substWords(a, env, loc));
        if (vols.some((v) => v.trim() === '')) throw new DockerfileError('VOLUME specified can not be an empty string', loc, 'ERR_DOCKERFILE_ARGS');
        return meta(`VOLUME [${vols.join(' ')}]`, (c) => { c.Volumes = { ...(c.Volumes ?? {}), ...Object.fromEntries(vols.map((v) => [v, {}])) }; });
      }
      case 'cmd': case 'entrypoint': {
        const argv = ins.json ? ins.args : [...(s.config.Shell ?? DEFAULT_SHELL), ins.args[0] ?? ''];
        const text = `${NAME} ${JSON.stringify(argv)}`;
        const st = meta(text, (c) => {
          if (ins.kind === 'cmd') c.Cmd = argv;
          else { c.Entrypoint = ins.args.length || !ins.json ? argv : null; if (!s.cmdSet) c.Cmd = null; }
        }, ins.kind === 'cmd' ? { cmdSet: true } : {});
        return st;
      }
      case 'shell': return meta(`SHELL ${JSON.stringify(ins.args)}`, (c) => { c.Shell = ins.args; });
      case 'onbuild': return meta(`ONBUILD ${ins.trigger}`, (c) => { c.OnBuild = [...(c.OnBuild ?? []), ins.trigger]; });
      case 'healthcheck': return meta(`HEALTHCHECK ${ins.original.replace(/^\S+\s+/, '')}`, (c) => { c.Healthcheck = healthcheckOf(ins, s.config.Shell ?? DEFAULT_SHELL); });
      case 'run': return this.runStep(stage, ins, s, args, metaEnv);
      case 'copy': case 'add': return this.copyStep(stage, ins, s, env, metaEnv);
      case 'from': break;
    }
    throw new DockerfileError(`unexpected ${NAME}`, loc);
  }

  /** A fresh snapshot on parentChain for fn; mounted at its mountpoint unless `mount` is false (fn mounts it itself). */
  private async withSnapshot<T>(parentChain: string | null, fn: (rootfs: string, key: string) => Promise<T>, mount = true): Promise<T> {
    const key = 'build-' + randomId().slice(0, 20);
    this.snapshotKeys.add(key);
    try {
      await this.engine.snapshots.create(key, parentChain);
      const rootfs = this.engine.snapshots.mountpoint(key);
      if (mount) await mountAll(await this.engine.snapshots.mounts(key), rootfs);
      return await fn(rootfs, key);
    } finally {
      await this.engine.snapshots.remove(key).catch(() => undefined);
      this.snapshotKeys.delete(key);
    }
  }

  /** Mount a state's file system read-only-by-convention for COPY --from / RUN --mount from=. */
  private async withStateRoot<T>(s: State, fn: (root: string) => Promise<T>): Promise<T> {
    return this.withSnapshot(s.layers.at(-1)?.chainId ?? null, (root) => fn(root));
  }

  /**
   * A step that adds one layer, from the cache or by running `produce` in a snapshot of the state.
   * With `linkKey` (COPY/ADD --link) the layer is made on an empty file system and cached under that
   * key, which leaves the parent out: a changed base reuses the layer and only links it on top.
   * selfMounting: produce mounts the snapshot (key) at rootfs itself and unmounts it again.
   */
  private async layerStep(stage: Stage, s: State, text: string, historyText: string, key: string, produce: (rootfs: string, snap: string) => Promise<void>, linkKey?: string, selfMounting = false): Promise<State> {
    const hit = this.opts.noCache ? undefined : this.cache.lookup(key);
    const fromImage = hit ? undefined : this.fromCacheImages(s, historyText);
    let layer: ImageLayer;
    if (hit) {
      this.cached++;
      this.usedCacheKeys.add(key);
      this.out(' ---> Using cache\n');
      layer = hit.layer;
    } else if (fromImage) {
      layer = fromImage.layer;
      this.cached++;
      this.out(' ---> Using cache (from --cache-from)\n');
      this.cache.put(key, layer, text);
    } else if (linkKey) {
      layer = await this.linkedLayer(s, text, linkKey, produce);
      this.cache.put(key, layer, text);
    } else {
      this.executed++;
      const parent = s.layers.at(-1)?.chainId ?? null;
      layer = await this.withSnapshot(parent, async (rootfs, snap) => {
        await produce(rootfs, snap);
        await this.engine.snapshots.unmount(snap);
        return commitLayer(this.engine.content, this.engine.layers, parent, this.engine.snapshots.diffTar(snap));
      }, !selfMounting);
      this.cache.put(key, layer, text);
    }
    this.stepId(stage, shortId(key));
    const created = fromImage?.created ?? new Date(hit?.created ?? Date.now()).toISOString();
    const fresh = s.fresh || (!hit && !fromImage);
    return { ...s, key, fresh, layers: [...s.layers, layer], history: [...s.history, { created, created_by: historyText }] };
  }

  /**
   * --cache-from, as the classic builder: an image whose history so far is the state's, entry by
   * entry, on the same layers, and whose next entry is this step gives its next layer. History
   * of COPY/ADD names the copied content's digest, so only the same content matches.
   */
  private fromCacheImages(s: State, historyText: string): { layer: ImageLayer; created?: string } | undefined {
    if (!this.opts.cacheFrom?.length || this.opts.noCache) return undefined;
    this.cacheSources ??= this.opts.cacheFrom.flatMap((ref) => {
      const img = this.engine.images.tryResolve(ref);
      return img ? [{ layers: img.layers, history: (img.config?.history ?? []) as HistoryEntry[] }] : [];
    });
    const same = (a: HistoryEntry, b: HistoryEntry) => a.created_by === b.created_by && !!a.empty_layer === !!b.empty_layer;
    for (const src of this.cacheSources) {
      const next = src.history[s.history.length];
      if (!next || next.empty_layer || next.created_by !== historyText) continue;
      if (src.layers.length <= s.layers.length || !s.history.every((h, i) => same(h, src.history[i]))) continue;
      if (!s.layers.every((l, i) => l.chainId === src.layers[i].chainId)) continue;
      const layer = src.layers[s.layers.length];
      if (this.engine.layers.get(layer.chainId) && this.engine.content.has(layer.blobDigest)) return { layer, created: next.created };
    }
    return undefined;
  }

  /** The --link layer: the standalone one (cached or made on an empty root), registered on the state's chain. */
  private async linkedLayer(s: State, text: string, linkKey: string, produce: (rootfs: string, snap: string) => Promise<void>): Promise<ImageLayer> {
    let standalone = this.opts.noCache ? undefined : this.cache.lookup(linkKey)?.layer;
    if (standalone) {
      this.cached++;
      this.usedCacheKeys.add(linkKey);
      this.out(' ---> Using cache (linked layer)\n');
    } else {
      this.executed++;
      standalone = await this.withSnapshot(null, async (rootfs, snap) => {
        await produce(rootfs, snap);
        await this.engine.snapshots.unmount(snap);
        return commitLayer(this.engine.content, this.engine.layers, null, this.engine.snapshots.diffTar(snap));
      });
      this.cache.put(linkKey, standalone, `${text} (linked)`);
    }
    const parent = s.layers.at(-1)?.chainId ?? null;
    if (parent === null) return standalone;
    // the same diff on another parent: the blob is shared, the layer directory is the diff again
    const record = await this.engine.layers.register(parent, this.engine.content.stream(standalone.blobDigest).pipe(createGunzip()), standalone.diffId);
    return { ...standalone, chainId: record.chainId };
  }

  private async runStep(stage: Stage, ins: Instruction, s: State, args: Map<string, string>, metaEnv: Record<string, string>): Promise<State> {
    const shell = s.config.Shell ?? DEFAULT_SHELL;
    let argv: string[];
    if (ins.json) argv = ins.args;
    else if (ins.heredocs.length === 1 && /^\s*\d*<<-?\s*['"]?[^'"\s]+['"]?\s*$/.test(ins.args[0] ?? '')) {
      const doc = ins.heredocs[0];
      argv = [...shell, doc.content];
    } else {
      const docs = ins.heredocs.map((d) => `${d.content}${d.name}\n`).join('');
      argv = [...shell, (ins.args[0] ?? '') + (docs ? '\n' + docs : '')];
    }
    const text = `RUN ${ins.json ? JSON.stringify(ins.args) : ins.original.replace(/^\S+\s+/, '')}`;
    this.stepHeader(text, stage);
    // every declared ARG is in the environment of RUN (Docker), and so in the key; proxies only when given
    const argEnv: string[] = [...args.entries()].map(([k, v]) => `${k}=${v}`);
    for (const p of PROXY_ARGS) { const v = this.opts.buildArgs?.[p]; if (v && !args.has(p)) argEnv.push(`${p}=${v}`); }
    const declaredArgs = [...args.entries()].map(([k, v]) => `${k}=${v}`).sort();
    const network = (ins.flags.network as string | undefined) ?? (this.opts.network === 'host' ? 'host' : 'none');
    if (network !== 'none' && network !== 'host' && network !== 'default') {
      throw new DockerfileError(`unsupported network mode for RUN: ${network} (none or host)`, ins.location, 'ERR_DOCKERFILE_FLAG');
    }
    const mountSpecs = (ins.flags.mount as string[] | undefined) ?? [];
    const mounts = await runMountsFor(mountSpecs, {
      engine: this.engine, ctx: this.ctx, secrets: this.opts.secrets ?? {}, location: ins.location,
      stageState: async (ref) => {
        const dep = findStage(this.df.stages, ref, stage.index);
        if (!dep) return undefined;
        const st = await this.stageState(dep.index, metaEnv);
        return { layers: st.layers, key: st.key };
      },
      resolveImage: (ref) => this.resolveImage(ref, { location: ins.location }),
    });
    const key = hash(s.key, 'run', argv, declaredArgs, network, mounts.keyParts);
    const historyText = (declaredArgs.length ? `|${declaredArgs.length} ${declaredArgs.join(' ')} ` : '') + argv.join(' ');
    try {
      // the step's task mounts the snapshot for the run and unmounts it after
      return await this.layerStep(stage, s, text, historyText, key, async (rootfs, snap) => {
        const id = randomId();
        this.out(` ---> Running in ${id.slice(0, 12)}\n`);
        const env = [...(s.config.Env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']), ...argEnv];
        if (!env.some((e) => e.startsWith('PATH='))) env.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
        const rt = this.engine.runtimes[this.engine.defaultRuntime];
        const res = await runInContainer(this.engine.paths, rt, {
          rootfs: { target: rootfs, mounts: await this.engine.snapshots.mounts(snap) },
          args: argv, env, cwd: s.config.WorkingDir || '/', user: s.config.User, network: network === 'host' ? 'host' : 'none',
          mounts, onOutput: (line) => this.out(line + '\n'),
        });
        if (res.exitCode !== 0) {
          throw new BuildStepError(`The command '${argv.join(' ')}' returned a non-zero code: ${res.exitCode}`, ins, res.exitCode, res.lastLines);
        }
        this.out(` ---> Removed intermediate container ${id.slice(0, 12)}\n`);
      }, undefined, true);
    } finally {
      await mounts.cleanup();
    }
  }

  private async copyStep(stage: Stage, ins: Instruction, s: State, env: (n: string) => string | undefined, metaEnv: Record<string, string>): Promise<State> {
    const NAME = ins.kind.toUpperCase();
    const words = ins.json ? ins.args.map((a) => this.subst(a, env, ins.location)) : ins.args.flatMap((a) => this.substWords(a, env, ins.location));
    const heredocNames = new Set(ins.heredocs.map((d) => d.name));
    const destRaw = words.at(-1)!;
    const srcs = words.slice(0, -1).filter((w) => !/^\d*<<-?/.test(w));
    const chown = typeof ins.flags.chown === 'string' ? this.subst(ins.flags.chown, env, ins.location) : undefined;
    const chmod = typeof ins.flags.chmod === 'string' ? this.subst(ins.flags.chmod, env, ins.location) : undefined;
    if (chmod !== undefined && !/^[0-7]{3,4}$/.test(chmod)) throw new DockerfileError(`invalid chmod parameter: ${chmod}`, ins.location, 'ERR_DOCKERFILE_FLAG');
    const from = typeof ins.flags.from === 'string' ? this.subst(ins.flags.from, env, ins.location) : undefined;
    if (from !== undefined && ins.kind === 'add') throw new DockerfileError('ADD does not support the --from flag', ins.location, 'ERR_DOCKERFILE_FLAG');
    const text = `${NAME} ${[...Object.entries(ins.flags).map(([k, v]) => `--${k}=${v}`), ...words].join(' ')}`;
    this.stepHeader(text, stage);
    const wd = s.config.WorkingDir || '/';
    const dest = destRaw.startsWith('/') ? destRaw : join(wd, destRaw) + (destRaw.endsWith('/') ? '/' : '');
    const link = ins.flags.link === true;
    // --link copies onto an empty root: user and group names are looked up in the state's files first
    const owner = link && chown !== undefined && !/^\d+(:\d+)?$/.test(chown)
      ? await this.withStateRoot(s, async (root) => { const u = resolveUser(root, chown); return `${u.uid}:${u.gid}`; })
      : chown;
    const plan: CopyPlan = {
      kind: ins.kind === 'add' ? 'add' : 'copy', sources: [], dest, chown: owner, chmod: chmod ? parseInt(chmod, 8) : undefined,
      excludes: (ins.flags.exclude as string[] | undefined) ?? [], parents: !!ins.flags.parents, checksum: ins.flags.checksum as string | undefined,
      heredocs: ins.heredocs.filter((d) => heredocNames.has(d.name)).map((d) => ({ name: d.name, content: d.expand ? this.subst(d.content, env, ins.location) : d.content })),
      multiple: words.length - 1 > 1,
    };
    try {
      if (from !== undefined) {
        const dep = findStage(this.df.stages, from, stage.index);
        let srcState: State;
        if (dep) srcState = await this.stageState(dep.index, metaEnv);
        else {
          const img = await this.resolveImage(from, { location: ins.location });
          srcState = { key: hash('image', img.id), config: {}, layers: img.layers, history: [], cmdSet: false };
        }
        const key = hash(s.key, text, srcState.key, dest);
        const linkKey = link ? hash('link', text, srcState.key, dest, owner ?? '') : undefined;
        const digest = createHash('sha256').update(JSON.stringify([srcState.key, text])).digest('hex');
        // the source is mounted only when the step runs: a cache hit mounts nothing
        return await this.layerStep(stage, s, text, `${NOP}${NAME} from:${digest} in ${dest} `, key, (rootfs) => this.withStateRoot(srcState, async (srcRoot) => {
          plan.sources = srcs.map((p) => ({ root: srcRoot, rel: p.replace(/^\/+/, '') || '.', fromContext: false }));
          await copyIntoRoot(rootfs, plan, this.ctx);
        }), linkKey);
      }
      const resolved: CopyPlan['sources'] = [];
      const readPaths: string[] = [];
      const urls: string[] = [];
      for (const src of srcs) {
        if (/^https?:\/\//.test(src)) {
          if (ins.kind !== 'add') throw new DockerfileError(`source can't be a URL for COPY`, ins.location, 'ERR_DOCKERFILE_ARGS');
          urls.push(src);
          resolved.push({ root: '', rel: src, fromContext: false, url: src });
          continue;
        }
        for (const rel of this.ctx.resolveSources(src)) {
          resolved.push({ root: '', rel, fromContext: true });
          readPaths.push(...this.ctx.list(rel));
        }
      }
      const sum = await this.ctx.checksum(readPaths);
      const docs = plan.heredocs.map((d) => [d.name, d.content]);
      const key = hash(s.key, text, sum, urls, dest, chown ?? '', chmod ?? '', docs);
      const linkKey = link ? hash('link', text, sum, urls, dest, owner ?? '', chmod ?? '', docs) : undefined;
      // as Docker's history: what was copied by its digest, so --cache-from can tell contents apart
      const what = resolved.length === 1 && resolved[0].fromContext ? (this.ctx.fs.lstat(resolved[0].rel)?.type === 'dir' ? 'dir' : 'file') : 'multi';
      const digest = createHash('sha256').update(JSON.stringify([sum, urls, docs, chown ?? '', chmod ?? '', text])).digest('hex');
      return await this.layerStep(stage, s, text, `${NOP}${NAME} ${what}:${digest} in ${dest} `, key, async (rootfs) => {
        const root = resolved.some((r) => r.fromContext) ? await this.ctx.root() : '';
        plan.sources = resolved.map((r) => (r.fromContext ? { ...r, root } : r));
        await copyIntoRoot(rootfs, plan, this.ctx);
      }, linkKey);
    } catch (e) {
      if (e instanceof BerthError && !(e instanceof DockerfileError) && !(e instanceof BuildStepError)) {
        throw new BuildStepError(`${formatLocation(ins.location)}: ${e.message}`, ins, 1, [], e);
      }
      throw e;
    }
  }
}

/** A step that failed: where, and the last lines it printed. */
export class BuildStepError extends BerthError {
  constructor(message: string, readonly instruction: Instruction, override readonly exitCode: number, readonly lastLines: string[], cause?: BerthError) {
    super(message, { code: cause?.code ?? 'ERR_BUILD_STEP', status: cause?.status ?? 400, exitCode: 1 });
  }
  /** One text for the user: location, instruction, the last output lines. */
  describe(): string {
    const loc = formatLocation(this.instruction.location);
    const tail = this.lastLines.filter((l) => l !== '').slice(-5).map((l) => `  ${l}`).join('\n');
    return `${this.message}\n  at ${loc}: ${this.instruction.original}${tail ? `\n  last output:\n${tail}` : ''}`;
  }
}

function splitArg(word: string, sub: (w: string) => string): [string, string | undefined] {
  const i = word.indexOf('=');
  if (i < 0) return [word, undefined];
  return [word.slice(0, i), sub(word.slice(i + 1))];
}

function expandPorts(p: string): string[] {
  const [range, proto = 'tcp'] = p.split('/');
  const m = /^(\d+)-(\d+)$/.exec(range);
  if (m) {
    const out: string[] = [];
    for (let i = Number(m[1]); i <= Number(m[2]) && out.length < 65536; i++) out.push(`${i}/${proto.toLowerCase()}`);
    return out;
  }
  if (!/^\d+$/.test(range)) throw new InvalidArgumentError(`invalid containerPort: ${range}`, 'ERR_DOCKERFILE_ARGS');
  return [`${range}/${proto.toLowerCase()}`];
}

/** A HEALTHCHECK duration option in nanoseconds: a Go duration, never negative. */
function parseDurationNs(v: string | undefined, name: string, loc: Instruction['location']): number | undefined {
  if (v === undefined) return undefined;
  const ns = tryGoDurationNs(v);
  if (ns === undefined || ns < 0) throw new DockerfileError(`invalid duration for --${name}: ${v}`, loc, 'ERR_DOCKERFILE_FLAG');
  return ns;
}

function healthcheckOf(ins: Instruction, shell: string[]): any {
  const type = ins.args[0].toUpperCase();
  if (type === 'NONE') {
    if (ins.args.length > 1) throw new DockerfileError("HEALTHCHECK NONE takes no arguments", ins.location, 'ERR_DOCKERFILE_ARGS');
    return { Test: ['NONE'] };
  }
  if (type !== 'CMD') throw new DockerfileError(`Unknown type "${type}" in HEALTHCHECK (try CMD)`, ins.location, 'ERR_DOCKERFILE_ARGS');
  const rest = ins.args.slice(1);
  const test = ins.json ? ['CMD', ...rest] : ['CMD-SHELL', rest[0] ?? ''];
  void shell;
  const hc: any = { Test: test };
  const f = ins.flags as Record<string, string | undefined>;
  const interval = parseDurationNs(f.interval, 'interval', ins.location);
  const timeout = parseDurationNs(f.timeout, 'timeout', ins.location);
  const startPeriod = parseDurationNs(f['start-period'], 'start-period', ins.location);
  const startInterval = parseDurationNs(f['start-interval'], 'start-interval', ins.location);
  if (interval) hc.Interval = interval;
  if (timeout) hc.Timeout = timeout;
  if (startPeriod) hc.StartPeriod = startPeriod;
  if (startInterval) hc.StartInterval = startInterval;
  if (f.retries !== undefined) {
    const r = Number(f.retries);
    if (!Number.isInteger(r) || r < 0) throw new DockerfileError(`--retries must be a non-negative integer`, ins.location, 'ERR_DOCKERFILE_FLAG');
    if (r) hc.Retries = r;
  }
  return hc;
}

export function buildTmpDir(engine: BuildHost): string {
  const dir = join(engine.paths.tmp, 'build-' + randomId().slice(0, 16));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function removeDir(dir: string): Promise<void> { await rm(dir, { recursive: true, force: true }); }
