/**
 * A dry run of BuildKit's dispatch, without images or steps: the global ARGs the FROM lines see, and per
 * stage the environment, the declared ARGs, SHELL and WORKDIR as each instruction finds them. The
 * variable checks (UndefinedVar, UndefinedArgInFrom, ...) and the ones that look at expanded words
 * (WORKDIR, EXPOSE, COPY sources) read it.
 *
 * A base image's ENV is known only when the caller can look it up (`imageEnv`); otherwise the stage's
 * environment is "unknown": UndefinedVar then reports only names an image would not set (lower case), and
 * checks of expanded words skip words that use an unknown variable.
 */
import { processWord, processWords } from '../builder/parser/shell-lex.js';
import { argPairs, copySources, flagValue, kvPairs, type LintModel, type LintNode, type LintStage } from './model.js';
import { suggest } from './suggest.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Args the frontend never puts in the environment, so their use is not reported. */
const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

export interface Expansion { result: string; matched: string[]; unmatched: string[]; error?: string }

type Env = ReadonlyMap<string, string>;

function lookupRecorder(env: Env): { lookup: (n: string) => string | undefined; matched: string[]; unmatched: string[] } {
  const matched: string[] = [];
  const unmatched: string[] = [];
  return {
    matched, unmatched,
    lookup: (n) => {
      const v = env.get(n);
      const list = v === undefined ? unmatched : matched;
      if (!list.includes(n)) list.push(n);
      return v;
    },
  };
}

/** ProcessWordWithMatches: the word expanded, and which names were found and which were not. */
export function expandWord(word: string, env: Env, escapeToken: string, rawQuotes = false): Expansion {
  const r = lookupRecorder(env);
  try {
    return { result: processWord(word, r.lookup, { escapeToken, rawQuotes }), matched: r.matched, unmatched: r.unmatched };
  } catch (e) {
    return { result: '', matched: r.matched, unmatched: r.unmatched, error: (e as Error).message };
  }
}

export function expandWords(word: string, env: Env, escapeToken: string): { words: string[]; unmatched: string[]; error?: string } {
  const r = lookupRecorder(env);
  try {
    return { words: processWords(word, r.lookup, { escapeToken }), unmatched: r.unmatched };
  } catch (e) {
    return { words: [], unmatched: r.unmatched, error: (e as Error).message };
  }
}

export interface StageState {
  env: Map<string, string>;
  /** false when the base image's ENV is not known */
  envKnown: boolean;
  /** ARG names declared in the stage (and the stages it builds on) */
  buildArgs: string[];
  shellSet: boolean;
  workdirSet: boolean;
}

/** An expanded word and whether it is exact (false: it used a variable the unknown base image may set). */
export interface Resolved { value: string; certain: boolean }

export interface Step {
  node: LintNode;
  stage: LintStage;
  /** the stage's state as the instruction finds it */
  shellSet: boolean;
  workdirSet: boolean;
  /** variables used but not defined (UndefinedVar), with BuildKit's suggestion */
  undefinedVars: Array<{ name: string; suggestion: string }>;
  workdir?: Resolved;
  exposePorts?: Resolved[];
  copySources?: Resolved[];
}

export interface StageInfo {
  stage: LintStage;
  /** the base name with the global ARGs substituted */
  base: Expansion;
  platform?: Expansion;
  /** the stage it builds on, when FROM names an earlier stage */
  parent?: LintStage;
  final: StageState;
}

export interface Simulation {
  /** the stages whose instructions are dispatched (all, unless a build restricts them to its target's) */
  dispatched: Set<LintStage>;
  /** the ARGs every FROM sees: platform defaults, then the ARGs before the first FROM (with --build-arg values) */
  globalArgs: Map<string, string>;
  /** names declared by ARGs before the first FROM */
  metaArgNames: Set<string>;
  /** globalArgs computed from defaults only (no --build-arg), undefined when a default did not expand */
  defaultArgs?: Map<string, string>;
  stages: StageInfo[];
  /** the dispatched stages' instructions, in file order */
  steps: Step[];
}

export interface SimOptions {
  buildArgs: Record<string, string>;
  imageEnv?: (ref: string) => string[] | undefined;
  /** 'all' (lint, `--check` without --target), or a build's target (undefined: the last stage) */
  stages?: 'all' | { target?: string };
}

function goArch(): string {
  switch (process.arch) {
    case 'x64': return 'amd64';
    case 'ia32': return '386';
    case 'ppc64': return 'ppc64le';
    default: return process.arch;
  }
}

/** BuildKit's defaultArgs: the platform args (the host's here) and TARGETSTAGE, --build-arg overriding. */
function platformArgs(target: string, overrides: Record<string, string>): Map<string, string> {
  const arch = goArch();
  const env = new Map<string, string>([
    ['BUILDPLATFORM', `linux/${arch}`], ['BUILDOS', 'linux'], ['BUILDOSVERSION', ''], ['BUILDARCH', arch], ['BUILDVARIANT', ''],
    ['TARGETPLATFORM', `linux/${arch}`], ['TARGETOS', 'linux'], ['TARGETOSVERSION', ''], ['TARGETARCH', arch], ['TARGETVARIANT', ''],
    ['TARGETSTAGE', target],
  ]);
  for (const k of env.keys()) if (Object.hasOwn(overrides, k)) env.set(k, overrides[k]);
  return env;
}

/** buildMetaArgs: returns undefined when a default fails to expand (the build would fail there too). */
function metaArgs(start: Map<string, string>, model: LintModel, buildArgs: Record<string, string> | undefined): Map<string, string> | undefined {
  const args = new Map(start);
  for (const n of model.metaArgs) {
    if (n.kind !== 'arg') continue;
    for (const { key, value } of argPairs(n)) {
      let v: string | undefined;
      if (buildArgs && Object.hasOwn(buildArgs, key)) v = buildArgs[key];
      else if (value !== undefined) {
        const e = expandWord(value, args, model.escape);
        if (e.error) return undefined;
        v = e.result;
      }
      if (v !== undefined) args.set(key, v);
    }
  }
  return args;
}

function envFromList(list: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of list) { const i = kv.indexOf('='); if (i > 0) m.set(kv.slice(0, i), kv.slice(i + 1)); }
  return m;
}

export function simulate(model: LintModel, opts: SimOptions): Simulation {
  const esc = model.escape;
  const targetName = opts.stages && opts.stages !== 'all' ? opts.stages.target : undefined;
  const target = targetName || model.stages.at(-1)?.name || 'default';
  const defaults = platformArgs(target, opts.buildArgs);
  const globalArgs = metaArgs(defaults, model, opts.buildArgs) ?? new Map(defaults);
  const defaultArgs = metaArgs(defaults, model, undefined);
  const metaArgNames = new Set<string>();
  for (const n of model.metaArgs) if (n.kind === 'arg') for (const { key } of argPairs(n)) metaArgNames.add(key);

  const stages: StageInfo[] = [];
  const steps: Step[] = [];
  for (const stage of model.stages) {
    const base = expandWord(stage.base, globalArgs, esc);
    const platform = stage.platform !== undefined ? expandWord(stage.platform, globalArgs, esc) : undefined;
    const parentInfo = stages.find((s) => s.stage.name !== undefined && s.stage.name === base.result.toLowerCase());
    let st: StageState;
    if (parentInfo) {
      const p = parentInfo.final;
      st = { env: new Map(p.env), envKnown: p.envKnown, buildArgs: [...p.buildArgs], shellSet: p.shellSet, workdirSet: p.workdirSet };
    } else {
      const isScratch = base.result.toLowerCase() === 'scratch';
      const imageEnv = isScratch ? [] : opts.imageEnv?.(base.result);
      const env = envFromList(imageEnv ?? []);
      if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH); // the frontend always sets a PATH
      st = { env, envKnown: imageEnv !== undefined, buildArgs: [], shellSet: false, workdirSet: false };
    }
    for (const node of stage.instructions) steps.push(dispatch(node, stage, st, globalArgs, opts.buildArgs, esc));
    stages.push({ stage, base, platform, parent: parentInfo?.stage, final: st });
  }
  const dispatched = opts.stages && opts.stages !== 'all' ? reachable(model, stages, globalArgs, opts.stages.target) : new Set(model.stages);
  return { dispatched, globalArgs, metaArgNames, defaultArgs, stages, steps: steps.filter((s) => dispatched.has(s.stage)) };
}

/** A stage named or numbered by `ref` (`COPY --from`, `RUN --mount=from=`), as the frontend finds it. */
function stageByRef(model: LintModel, ref: string): LintStage | undefined {
  const lower = ref.toLowerCase();
  return model.stages.find((s) => s.name === lower) ?? (/^\d+$/.test(ref) ? model.stages[Number(ref)] : undefined);
}

/** The stages a build of `target` needs: its base stages and the stages it copies or mounts from. */
function reachable(model: LintModel, infos: StageInfo[], globalArgs: Map<string, string>, target: string | undefined): Set<LintStage> {
  const start = target ? model.stages.find((s) => s.name === target.toLowerCase()) : model.stages.at(-1);
  const out = new Set<LintStage>();
  const todo = start ? [start] : [];
  while (todo.length) {
    const s = todo.pop()!;
    if (out.has(s)) continue;
    out.add(s);
    const parent = infos.find((i) => i.stage === s)?.parent;
    if (parent) todo.push(parent);
    for (const n of s.instructions) {
      const refs: string[] = [];
      if (n.kind === 'copy' || n.kind === 'add') { const f = flagValue(n, 'from'); if (f !== undefined) refs.push(f); }
      if (n.kind === 'run') {
        for (const f of n.flags) {
          if (f.name !== 'mount' || f.value === undefined) continue;
          const m = /(?:^|,)from=([^,]+)/.exec(f.value);
          if (m) refs.push(m[1]);
        }
      }
      for (const r of refs) {
        const dep = stageByRef(model, expandWord(r, globalArgs, model.escape).result);
        if (dep) todo.push(dep);
      }
    }
  }
  return out;
}

/**
 * reportUnmatchedVariables: names neither in the environment nor declared as ARG. When the base image's ENV
 * is not known, only names with a lower-case letter: images set upper-case names by convention (POSIX
 * leaves lower case to applications), so `$GOPATH` may well come from `golang`, `$foo` does not.
 */
function undefinedNames(e: Expansion | { unmatched: string[] }, st: StageState, out: Step['undefinedVars']): void {
  for (const name of e.unmatched) {
    if (!st.envKnown && !/[a-z]/.test(name)) continue;
    if (st.buildArgs.includes(name) || NON_ENV_ARGS.has(name) || out.some((u) => u.name === name)) continue;
    out.push({ name, suggestion: suggest(name, [...st.env.keys()], true) });
  }
}

function resolved(e: Expansion | { result: string; unmatched: string[] }, st: StageState): Resolved {
  return { value: e.result, certain: st.envKnown || e.unmatched.length === 0 };
}

function dispatch(node: LintNode, stage: LintStage, st: StageState, globalArgs: Map<string, string>, buildArgs: Record<string, string>, esc: string): Step {
  const step: Step = { node, stage, shellSet: st.shellSet, workdirSet: st.workdirSet, undefinedVars: [] };
  const uv = step.undefinedVars;
  const word = (w: string): Expansion => {
    const e = expandWord(w, st.env, esc);
    undefinedNames(e, st, uv);
    return e;
  };
  switch (node.kind) {
    case 'env': {
      // all pairs expand against the environment before the instruction, as BuildKit's Expand does
      const pairs = kvPairs(node).map((p) => ({ key: word(p.key).result, value: word(p.value).result }));
      for (const p of pairs) st.env.set(p.key, p.value);
      break;
    }
    case 'label':
      for (const p of kvPairs(node)) { word(p.key); word(p.value); }
      break;
    case 'copy': case 'add': {
      for (const f of ['chown', 'chmod', ...(node.kind === 'add' ? ['checksum'] : [])]) {
        const v = flagValue(node, f);
        if (v !== undefined) word(v);
      }
      const { sources, dest } = copySources(node);
      step.copySources = sources.map((s) => resolved(word(s), st));
      if (dest !== undefined) word(dest);
      for (const h of node.heredocs) {
        if (!h.expand) continue;
        const e = expandWord(h.content, st.env, '\\', true);
        undefinedNames(e, st, uv);
      }
      break;
    }
    case 'workdir': {
      const e = word(node.args[0] ?? '');
      step.workdir = resolved(e, st);
      st.workdirSet = true;
      break;
    }
    case 'user': case 'stopsignal':
      word(node.args[0] ?? '');
      break;
    case 'volume':
      for (const a of node.args) word(a);
      break;
    case 'expose':
      step.exposePorts = [];
      for (const a of node.args) {
        const e = expandWords(a, st.env, esc);
        for (const w of e.words) step.exposePorts.push({ value: w, certain: st.envKnown || e.unmatched.length === 0 });
      }
      break;
    case 'shell':
      st.shellSet = true;
      break;
    case 'arg':
      for (const { key, value } of argPairs(node)) {
        let v: string | undefined = value;
        let fromDefault = value !== undefined;
        if (value === undefined && !Object.hasOwn(buildArgs, key) && globalArgs.has(key)) { v = globalArgs.get(key); fromDefault = false; }
        if (Object.hasOwn(buildArgs, key)) v = buildArgs[key];
        else if (fromDefault && value !== undefined) v = word(value).result;
        if (v !== undefined && !NON_ENV_ARGS.has(key)) st.env.set(key, v);
        if (!st.buildArgs.includes(key)) st.buildArgs.push(key);
      }
      break;
    default:
      break;
  }
  return step;
}
