/**
 * `berth context create/ls/use/show/inspect/rm/update/export/import`: the docker CLI's contexts,
 * in its store ($DOCKER_CONFIG/contexts, currentContext in config.json) and with its output, so
 * that `docker context use x` and `berth context use x` switch both tools.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  ContextError, DEFAULT_CONTEXT, DEFAULT_DESCRIPTION, DockerContextStore, resolveContextName, TLS_FILES, validateContextName,
  type ContextMetadata, type DockerEndpointMeta, type TlsMaterial,
} from '../../client/docker-contexts.js';
import { compile, ellipsis, preFormat, renderItems } from '../../client/format/formatter.js';
import { PartialFailure, readAll, type CliContext } from '../context.js';
import { defaultHost } from '../host.js';

/**
 * What `context inspect` shows. The docker CLI embeds the stored metadata in the object its templates
 * see, so there `.Metadata` is the whole meta.json ({{.Metadata.Metadata.Description}}) while the JSON
 * is flat; the same here, so that a template written for docker prints the same.
 */
class InspectView {
  constructor(readonly Metadata: ContextMetadata, readonly TLSMaterial: Record<string, string[]>, readonly Storage: { MetadataPath: string; TLSPath: string }) {}
  get Name(): string { return this.Metadata.Name; }
  get Endpoints(): ContextMetadata['Endpoints'] { return this.Metadata.Endpoints; }
  toJSON(): Record<string, unknown> {
    return { Name: this.Metadata.Name, Metadata: this.Metadata.Metadata, Endpoints: this.Metadata.Endpoints, TLSMaterial: this.TLSMaterial, Storage: this.Storage };
  }
}

/** A context as `context ls` and `context inspect` see it. */
interface ListedContext { name: string; meta?: ContextMetadata; tls: Record<string, string[]>; error?: string; current: boolean }

/** docker's sortorder.NaturalLess: runs of digits compare as numbers (x9 before x10). */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Go's encoding/json escapes <, > and & inside strings; `context inspect` prints "\u003cIN MEMORY\u003e". */
function goJson(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** The built-in context: whatever engine berth talks to with no context (BERTH_HOST, DOCKER_HOST, its own socket). */
function defaultContext(): ContextMetadata {
  return { Name: DEFAULT_CONTEXT, Metadata: { Description: DEFAULT_DESCRIPTION }, Endpoints: { docker: { Host: `unix://${defaultHost().socket}`, SkipTLSVerify: false } } };
}

class ContextRow {
  constructor(private readonly c: ListedContext, private readonly star: boolean) {}
  get Name(): string { return this.star && this.c.current ? `${this.c.name} *` : this.c.name; }
  get Current(): boolean { return this.c.current; }
  get Description(): string { const d = this.c.meta?.Metadata.Description; return typeof d === 'string' ? d : ''; }
  get DockerEndpoint(): string { const h = this.c.meta?.Endpoints.docker?.Host; return typeof h === 'string' ? h : ''; }
  get Error(): string { return ellipsis(this.c.error ?? '', 45); }
  toJSON(): Record<string, unknown> {
    return { Current: this.Current, Description: this.Description, DockerEndpoint: this.DockerEndpoint, Error: this.c.error ?? '', Name: this.c.name };
  }
}

/** "host=unix:///x,ca=/p/ca.pem,cert=…,key=…,skip-tls-verify=true" → endpoint and TLS files (docker's --docker). */
function parseDockerFlag(value: string, store: DockerContextStore): { endpoint: DockerEndpointMeta; tls: Record<string, Buffer> } {
  const fields: Record<string, string> = {};
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const i = part.indexOf('=');
    const key = (i < 0 ? part : part.slice(0, i)).trim();
    if (!['from', 'host', 'ca', 'cert', 'key', 'skip-tls-verify'].includes(key)) {
      throw new ContextError(`unable to create docker endpoint config: unrecognized config key: ${key}`, 'ERR_CONTEXT_INVALID');
    }
    fields[key] = i < 0 ? '' : part.slice(i + 1);
  }
  if (fields.from !== undefined) {
    // another context's docker endpoint, TLS files and all
    const src = endpointOf(store, fields.from);
    return { endpoint: { ...src.endpoint }, tls: src.tls };
  }
  if (!fields.host) throw new ContextError('unable to create docker endpoint config: a host is required (--docker host=unix:///path/to/socket)', 'ERR_CONTEXT_INVALID');
  let skip = false;
  if (fields['skip-tls-verify'] !== undefined) {
    const v = fields['skip-tls-verify'].toLowerCase();
    if (!['true', 'false', '1', '0', ''].includes(v)) throw new ContextError(`unable to create docker endpoint config: invalid skip-tls-verify value "${fields['skip-tls-verify']}"`, 'ERR_CONTEXT_INVALID');
    skip = v === 'true' || v === '1' || v === '';
  }
  const tls: Record<string, Buffer> = {};
  for (const [key, file] of [['ca', 'ca.pem'], ['cert', 'cert.pem'], ['key', 'key.pem']] as const) {
    const path = fields[key];
    if (!path) continue;
    try { tls[file] = readFileSync(path); } catch (e) {
      throw new ContextError(`unable to create docker endpoint config: cannot read ${key} file ${path}: ${(e as Error).message}`, 'ERR_CONTEXT_INVALID');
    }
  }
  return { endpoint: { Host: fields.host, SkipTLSVerify: skip }, tls };
}

/** A context's docker endpoint and its TLS files ("default" is the built-in one, with none). */
function endpointOf(store: DockerContextStore, name: string): { endpoint: DockerEndpointMeta; tls: Record<string, Buffer>; description?: string } {
  if (name === DEFAULT_CONTEXT) {
    const d = defaultContext();
    return { endpoint: d.Endpoints.docker!, tls: {}, description: DEFAULT_DESCRIPTION };
  }
  const meta = store.read(name);
  const description = typeof meta.Metadata.Description === 'string' ? meta.Metadata.Description : undefined;
  return { endpoint: meta.Endpoints.docker ?? {}, tls: store.readTls(name).docker ?? {}, description };
}

/** The variable that names an engine and so overrides any context: BERTH_HOST, else DOCKER_HOST. */
function hostVariable(): string | undefined {
  if (process.env.BERTH_HOST) return 'BERTH_HOST';
  if (process.env.DOCKER_HOST) return 'DOCKER_HOST';
  return undefined;
}

export function registerContextCommands(program: Command, ctx: CliContext): void {
  const store = (): DockerContextStore => DockerContextStore.fromEnv();
  const currentName = (): string => resolveContextName({ host: ctx.globals.host, context: ctx.globals.context, env: process.env, store: store() });

  const group = program.command('context').usage('COMMAND').description('Manage contexts');
  group.allowExcessArguments(false);
  group.addHelpCommand(false);

  group.command('create').usage('[OPTIONS] CONTEXT').description('Create a context').argument('<context>')
    .option('--description <string>', 'Description of the context')
    .option('--docker <stringToString>', 'set the docker endpoint (host=unix:///path[,ca=,cert=,key=,skip-tls-verify=])')
    .option('--from <string>', 'create context from a named context')
    .action((name: string, o: { description?: string; docker?: string; from?: string }) => {
      const s = store();
      validateContextName(name);
      if (s.exists(name)) throw new ContextError(`context "${name}" already exists`, 'ERR_CONTEXT_EXISTS', 409);
      if (o.docker !== undefined && o.from !== undefined) throw new ContextError('cannot use --docker flag when --from is set', 'ERR_CONTEXT_INVALID');
      let endpoint: DockerEndpointMeta;
      let tls: Record<string, Buffer>;
      let description = o.description;
      if (o.docker !== undefined) ({ endpoint, tls } = parseDockerFlag(o.docker, s));
      else {
        // neither: a copy of the context in use, as the docker CLI makes it
        const src = endpointOf(s, o.from ?? currentName());
        ({ endpoint, tls } = src);
        description ??= src.description;
      }
      const meta: ContextMetadata = { Name: name, Metadata: description ? { Description: description } : {}, Endpoints: { docker: endpoint } };
      s.write(meta);
      if (Object.keys(tls).length) s.writeTls(name, { docker: tls });
      ctx.out(`${name}\n`);
      ctx.err(`Successfully created context "${name}"\n`);
    });

  const ls = (cmdName: string) => group.command(cmdName).usage('[OPTIONS]').description('List contexts')
    .option('--format <string>', "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template")
    .option('-q, --quiet', 'Only show context names')
    .action((o: { format?: string; quiet?: boolean }) => {
      const s = store();
      const current = currentName();
      const rows: ListedContext[] = [{ name: DEFAULT_CONTEXT, meta: defaultContext(), tls: {}, current: current === DEFAULT_CONTEXT }];
      for (const c of s.list()) rows.push({ ...c, tls: {}, current: c.name === current });
      if (!rows.some((r) => r.current)) {
        // the context in use is missing: listed with the reason, as the docker CLI does
        let error = '';
        try { s.read(current); } catch (e) { error = (e as Error).message; }
        rows.push({ name: current, tls: {}, current: true, error });
      }
      rows.sort((a, b) => naturalCompare(a.name, b.name));
      const variable = hostVariable();
      if (variable) ctx.err(`Warning: ${variable} environment variable overrides the active context. To use a context, either set the global --context flag, or unset ${variable} environment variable.\n`);
      const format = o.quiet ? '{{.Name}}' : (o.format ?? '');
      const star = !o.quiet && (format === '' || format === 'table');
      ctx.out(renderItems({
        format, defaultTable: 'table {{.Name}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}',
        headers: { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR', Current: 'CURRENT' },
      }, rows.map((r) => new ContextRow(r, star))));
    });
  ls('ls'); ls('list');

  group.command('use').usage('CONTEXT').description('Set the current docker context').argument('<context>')
    .action((name: string) => {
      const s = store();
      // a context that does not exist is refused with docker's "context not found"
      if (name !== DEFAULT_CONTEXT) s.read(name);
      s.setCurrentContext(name);
      ctx.out(`${name}\n`);
      ctx.err(`Current context is now "${name}"\n`);
      const variable = hostVariable();
      if (variable && name !== DEFAULT_CONTEXT) ctx.err(`Warning: ${variable} environment variable overrides the active context. To use "${name}", either set the global --context flag, or unset ${variable} environment variable.\n`);
    });

  group.command('show').usage('').description('Print the name of the current context')
    .action(() => { ctx.out(`${currentName()}\n`); });

  group.command('inspect').usage('[OPTIONS] [CONTEXT] [CONTEXT...]').description('Display detailed information on one or more contexts')
    .argument('[contexts...]')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action((names: string[], o: { format?: string }) => {
      const s = store();
      if (names.length === 0) names = [currentName()];
      const found: unknown[] = [];
      const errors: string[] = [];
      for (const name of names) {
        try {
          if (name === DEFAULT_CONTEXT) {
            const d = defaultContext();
            found.push(new InspectView({ ...d, Metadata: {} }, {}, { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' }));
            continue;
          }
          const meta = s.read(name);
          found.push(new InspectView(meta, s.tlsFileNames(name), { MetadataPath: s.metaDir(name), TLSPath: s.tlsDir(name) }));
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      if (o.format) { const t = compile(preFormat(o.format).text); for (const v of found) ctx.out(t.execute(v) + '\n'); }
      else ctx.out(goJson(found) + '\n');
      if (errors.length) { for (const m of errors) ctx.err(`${m}\n`); throw new PartialFailure(errors); }
    });

  const rm = (cmdName: string) => group.command(cmdName).usage('CONTEXT [CONTEXT...]').description('Remove one or more contexts').argument('<contexts...>')
    .option('-f, --force', 'Force the removal of a context in use')
    .action((names: string[], o: { force?: boolean }) => {
      const s = store();
      let current = '';
      try { current = s.currentContext(); } catch { /* no current context to protect */ }
      const errors: string[] = [];
      for (const name of names) {
        if (name === DEFAULT_CONTEXT) { errors.push(`context "${name}" cannot be removed`); continue; }
        if (!s.exists(name)) {
          // -f makes a missing context a success, as `docker context rm -f` does
          if (o.force) ctx.out(`${name}\n`);
          else errors.push(`context "${name}" does not exist`);
          continue;
        }
        if (name === current) {
          if (!o.force) { errors.push(`context "${name}" is in use, set -f flag to force remove`); continue; }
          s.setCurrentContext('');
        }
        s.remove(name);
        ctx.out(`${name}\n`);
      }
      if (errors.length) { for (const m of errors) ctx.err(`${m}\n`); throw new PartialFailure(errors); }
    });
  rm('rm'); rm('remove');

  group.command('update').usage('[OPTIONS] CONTEXT').description('Update a context').argument('<context>')
    .option('--description <string>', 'Description of the context')
    .option('--docker <stringToString>', 'set the docker endpoint (host=unix:///path[,ca=,cert=,key=,skip-tls-verify=])')
    .action((name: string, o: { description?: string; docker?: string }) => {
      const s = store();
      validateContextName(name);
      const meta = s.read(name);
      if (o.description !== undefined) meta.Metadata = { ...meta.Metadata, Description: o.description };
      let tls: Record<string, Buffer> | undefined;
      if (o.docker !== undefined) {
        const parsed = parseDockerFlag(o.docker, s);
        meta.Endpoints = { ...meta.Endpoints, docker: parsed.endpoint };
        tls = parsed.tls;
      }
      s.write(meta);
      if (tls) s.writeTls(name, { docker: tls });
      ctx.out(`${name}\n`);
      ctx.err(`Successfully updated context "${name}"\n`);
    });

  group.command('export').usage('[OPTIONS] CONTEXT [FILE|-]').description('Export a context to a tar archive FILE or a tar stream on STDOUT.')
    .argument('<context>').argument('[file]')
    .action(async (name: string, file: string | undefined) => {
      const s = store();
      // the built-in context exports as the docker CLI exports it: its endpoint, no description
      const data = name === DEFAULT_CONTEXT
        ? await exportContext({ ...defaultContext(), Metadata: {} }, {})
        : await exportContext(s.read(name), s.readTls(name));
      if (file === '-') { process.stdout.write(data); return; }
      const path = file ?? `${name}.dockercontext`;
      writeFileSync(path, data, { mode: 0o600 });
      ctx.err(`Written file "${path}"\n`);
    });

  group.command('import').usage('CONTEXT FILE|-').description('Import a context from a tar file')
    .argument('<context>').argument('<file>')
    .action(async (name: string, file: string) => {
      const s = store();
      validateContextName(name);
      if (s.exists(name)) throw new ContextError(`context "${name}" already exists`, 'ERR_CONTEXT_EXISTS', 409);
      const data = file === '-' ? await readAll(process.stdin) : readFileSync(file);
      const { meta, tls } = await importContext(data);
      s.write({ ...meta, Name: name });
      if (Object.keys(tls).length) s.writeTls(name, tls);
      ctx.out(`${name}\n`);
      ctx.err(`Successfully imported context "${name}"\n`);
    });
}

/** docker's export: meta.json, then tls/, tls/<endpoint>/ and its files, owned by 0:0 at the epoch. */
export async function exportContext(meta: ContextMetadata, tls: TlsMaterial): Promise<Buffer> {
  const { pack } = await import('tar-stream');
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((resolve, reject) => { p.on('end', resolve); p.on('error', reject); });
  const mtime = new Date(0);
  const add = (header: { name: string; mode: number; type?: 'directory' }, body?: Buffer): void => {
    if (body) p.entry({ ...header, mtime, uid: 0, gid: 0 }, body);
    else p.entry({ ...header, mtime, uid: 0, gid: 0 });
  };
  add({ name: 'meta.json', mode: 0o644 }, Buffer.from(JSON.stringify(meta)));
  add({ name: 'tls', mode: 0o700, type: 'directory' });
  for (const [ep, files] of Object.entries(tls)) {
    add({ name: `tls/${ep}`, mode: 0o700, type: 'directory' });
    for (const [f, body] of Object.entries(files)) add({ name: `tls/${ep}/${f}`, mode: 0o600 }, body);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Read an exported context: meta.json and the TLS files of each endpoint (only the names docker uses). */
export async function importContext(data: Buffer): Promise<{ meta: ContextMetadata; tls: TlsMaterial }> {
  if (data.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    throw new ContextError('importing a context from a zip file (a kubeconfig) is not supported by berth: export it with `docker context export` as a tar', 'ERR_CONTEXT_INVALID');
  }
  const { extract } = await import('tar-stream');
  const x = extract();
  let meta: ContextMetadata | undefined;
  let inEntry = false;
  const tls: TlsMaterial = {};
  const done = new Promise<void>((resolve, reject) => {
    x.on('entry', (header, stream, next) => {
      inEntry = true;
      const bufs: Buffer[] = [];
      stream.on('data', (c: unknown) => { bufs.push(c as Buffer); });
      stream.on('end', () => {
        inEntry = false;
        const body = Buffer.concat(bufs);
        const name = header.name.replace(/^\.\//, '');
        const m = /^tls\/([^/]+)\/([^/]+)$/.exec(name);
        if (name === 'meta.json') {
          try { meta = JSON.parse(body.toString('utf8')) as ContextMetadata; } catch (e) { reject(new ContextError(`invalid context archive: meta.json: ${(e as Error).message}`, 'ERR_CONTEXT_INVALID')); return; }
        } else if (m && header.type === 'file' && (TLS_FILES as readonly string[]).includes(m[2])) {
          (tls[m[1]] ??= {})[m[2]] = body;
        }
        next();
      });
      stream.resume();
    });
    x.on('finish', resolve);
    // the docker CLI writes its archive without tar's two closing zero blocks (Go's reader stops at the
    // end of the last entry): an end there is the end of the archive, an end inside an entry is not
    x.on('error', (e) => (!inEntry && /Unexpected end of data/.test(e.message) ? resolve() : reject(new ContextError(`invalid context archive: ${e.message}`, 'ERR_CONTEXT_INVALID'))));
  });
  x.end(data);
  await done;
  if (!meta || typeof meta !== 'object') throw new ContextError('invalid context archive: no meta.json', 'ERR_CONTEXT_INVALID');
  return { meta: { ...meta, Metadata: meta.Metadata ?? {}, Endpoints: meta.Endpoints ?? {} }, tls };
}
