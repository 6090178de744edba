/**
 * `extends`: a service built on another one, from the same file (`extends: web` or `{service: web}`)
 * or from another file (`{file, service}`, relative to the file that says it, its own relative paths
 * resolved against its own directory). The base is resolved first (recursively), then the service is
 * merged over it with the same rules as several -f files. A loop is an error that names the chain.
 */
import { dirname } from 'node:path';
import { ComposeLoadError, atPosition } from './errors.js';
import type { FileContext } from './load.js';
import { interpolateTree } from './interpolate.js';
import { mergeValues } from './merge.js';
import { absPath, resolveTreePaths } from './paths.js';
import { validateAgainstSchema } from './schema.js';
import { stripTags } from './merge.js';
import { OverrideTag, ResetTag, parseComposeYaml, type ParsedFile } from './yaml-source.js';
import { readComposeFile } from './load.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ResetTag) && !(v instanceof OverrideTag);

interface Ref { file: string; service: string }

export function applyExtends(tree: Obj, parsed: ParsedFile, ctx: FileContext): Obj {
  const services = tree.services;
  if (!isObj(services)) return tree;
  const resolver = new ExtendsResolver(ctx);
  for (const name of Object.keys(services)) resolver.resolve(parsed, services, name, []);
  return tree;
}

class ExtendsResolver {
  /** other files' services, loaded once per file */
  private readonly files = new Map<string, { parsed: ParsedFile; services: Obj }>();
  constructor(private readonly ctx: FileContext) {}

  resolve(parsed: ParsedFile, services: Obj, name: string, chain: Ref[]): unknown {
    const service = services[name];
    if (!isObj(service) || service.extends === undefined) return service;
    const ext = service.extends;
    const ref = typeof ext === 'string' ? ext : isObj(ext) ? String(ext.service ?? '') : '';
    const where = parsed.map.keyAt(['services', name, 'extends']);
    if (!ref) throw new ComposeLoadError('ERR_COMPOSE_INVALID', atPosition(where, parsed.file, `extends.${name}.service is required`));

    const here: Ref = { file: parsed.file, service: name };
    if (chain.some((r) => r.file === here.file && r.service === here.service)) {
      const all = [...chain, here];
      throw new ComposeLoadError('ERR_COMPOSE_CYCLE', ['Circular reference:', `  ${all[0]!.service} in ${all[0]!.file}`,
        ...all.slice(1).map((r) => `  extends ${r.service} in ${r.file}`)].join('\n'));
    }

    let baseParsed = parsed;
    let baseServices = services;
    if (isObj(ext) && typeof ext.file === 'string') {
      const file = absPath(ext.file, parsed.file === '-' ? this.ctx.baseDir : dirname(parsed.file), this.ctx.home); // stdin: from the project directory
      const loaded = this.load(file);
      baseParsed = loaded.parsed;
      baseServices = loaded.services;
      if (!Object.hasOwn(baseServices, ref)) {
        throw new ComposeLoadError('ERR_COMPOSE_UNDEFINED', atPosition(where, parsed.file, `cannot extend service ${JSON.stringify(name)} in ${parsed.file}: service ${JSON.stringify(ref)} not found in ${ext.file}`));
      }
    } else if (!Object.hasOwn(services, ref)) {
      throw new ComposeLoadError('ERR_COMPOSE_UNDEFINED', atPosition(where, parsed.file, `cannot extend service ${JSON.stringify(name)} in ${parsed.file}: service ${JSON.stringify(ref)} not found`));
    }

    const base = this.resolve(baseParsed, baseServices, ref, [...chain, here]);
    if (!isObj(base)) return service;
    const merged = mergeValues(structuredCloneTree(base), service, ['services', name]) as Obj;
    delete merged.extends;
    services[name] = merged;
    return merged;
  }

  private load(file: string): { parsed: ParsedFile; services: Obj } {
    const cached = this.files.get(file);
    if (cached) return cached;
    const parsed = parseComposeYaml(file, readComposeFile(file));
    const value = this.ctx.noInterpolate ? parsed.value
      : interpolateTree(parsed.value, { lookup: (k) => this.ctx.env[k], map: parsed.map, file, onUnset: this.ctx.onUnset }) as Obj;
    validateAgainstSchema(stripTags(value), file, parsed.map);
    const tree = resolveTreePaths(value, dirname(file), this.ctx.home);
    const services = isObj(tree.services) ? tree.services : {};
    const entry = { parsed, services };
    this.files.set(file, entry);
    return entry;
  }
}

/** A deep copy that keeps the !reset/!override markers. */
function structuredCloneTree(v: unknown): unknown {
  if (v instanceof ResetTag) return v;
  if (v instanceof OverrideTag) return new OverrideTag(structuredCloneTree(v.value));
  if (Array.isArray(v)) return v.map(structuredCloneTree);
  if (v !== null && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: structuredCloneTree(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
