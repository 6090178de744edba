/**
 * `include`: other compose projects (a path or a list of paths merged as -f files, with their own
 * project directory and env files) whose services, networks, volumes, secrets and configs are
 * imported; a resource the including file also defines is merged with the local one winning. The
 * included files' relative paths start at their own project directory. A loop is an error.
 */
import { dirname } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { ComposeLoadError, atPosition } from './errors.js';
import { readEnvFiles } from './environment.js';
import { loadFileTree, readComposeFile, type FileContext } from './load.js';
import { mergeFiles, mergeValues } from './merge.js';
import { absPath } from './paths.js';
import { OverrideTag, ResetTag, parseComposeYaml, setOwn, type ParsedFile } from './yaml-source.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ResetTag) && !(v instanceof OverrideTag);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

const IMPORTED = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'];

export function applyIncludes(tree: Obj, parsed: ParsedFile, ctx: FileContext): Obj {
  const include = tree.include;
  if (include === undefined) return tree;
  delete tree.include;
  const stack = [...ctx.includeStack, parsed.file];
  (Array.isArray(include) ? include : []).forEach((entry, i) => {
    const e: Obj = typeof entry === 'string' ? { path: entry } : isObj(entry) ? entry : {};
    const where = parsed.map.valueAt(['include', i]);
    const paths = list(e.path).map((p) => absPath(p, ctx.baseDir, ctx.home));
    if (!paths.length) throw new ComposeLoadError('ERR_COMPOSE_INVALID', atPosition(where, parsed.file, 'include: path is required'));
    if (stack.includes(paths[0]!)) {
      throw new ComposeLoadError('ERR_COMPOSE_CYCLE', `include cycle detected:\n${stack[0]}\n include ${[...stack.slice(1), paths[0]].join('\n include ')}`);
    }
    for (const p of paths) {
      if (!existsSync(p)) throw new ComposeLoadError('ERR_COMPOSE_NO_FILE', atPosition(where, parsed.file, `open ${p}: no such file or directory`));
    }
    const projectDir = typeof e.project_directory === 'string' ? absPath(e.project_directory, ctx.baseDir, ctx.home) : dirname(paths[0]!);

    let envFiles = list(e.env_file).filter((f) => f !== '/dev/null').map((f) => absPath(f, ctx.baseDir, ctx.home));
    if (!Object.hasOwn(e, 'env_file')) {
      const dotenv = `${projectDir}/.env`;
      envFiles = existsSync(dotenv) && !statSync(dotenv).isDirectory() ? [dotenv] : [];
    }
    // the including project's environment wins over the included project's env files
    const env = { ...readEnvFiles(envFiles, ctx.env), ...ctx.env };
    const sub: FileContext = { ...ctx, env, baseDir: projectDir, includeStack: stack };
    const imported = mergeFiles(paths.map((p) => loadFileTree(parseComposeYaml(p, readComposeFile(p)), sub)));

    for (const kind of IMPORTED) {
      const from = imported[kind];
      if (!isObj(from)) continue;
      const to: Obj = isObj(tree[kind]) ? tree[kind] as Obj : {};
      for (const [name, resource] of Object.entries(from)) {
        setOwn(to, name, Object.hasOwn(to, name) ? mergeValues(resource, to[name], [kind, name]) : resource);
      }
      tree[kind] = to;
    }
  });
  return tree;
}
