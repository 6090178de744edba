/**
 * Type checks of request bodies where dockerd's Go decoder is strict: a field that Go decodes
 * into a string, []string or map[string]string must hold exactly that. Stored as sent, a
 * `"Labels":{"a":1}` would break every later `ps` for every client; dockerd refuses it at the
 * door with encoding/json's wording, and so does this.
 */
import { InvalidArgumentError } from '../common/errors.js';

type Kind = 'string' | 'strings' | 'stringMap' | 'strSlice' | 'setMap';
/** field name -> its Go type, a nested struct, or [nested struct] for a list of structs */
export interface Shape { [field: string]: Kind | Shape | [Shape] }

const GO_TYPE: Record<Kind, string> = {
  string: 'string', strings: '[]string', stringMap: 'map[string]string', strSlice: 'strslice.StrSlice', setMap: 'map[string]struct {}',
};

/** encoding/json's name for the kind of a JSON value */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : 'string';
}

function fail(v: unknown, path: string, goType: string): never {
  throw new InvalidArgumentError(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${path} of type ${goType}`, 'ERR_BAD_JSON_TYPE');
}

function isObject(v: unknown): v is Record<string, unknown> { return typeof v === 'object' && v !== null && !Array.isArray(v); }

function checkKind(v: unknown, kind: Kind, path: string): void {
  if (v === null || v === undefined) return; // null decodes to the zero value, as in Go
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') fail(v, path, 'string');
      return;
    case 'strSlice': // a string or a list of strings (Cmd, Entrypoint)
      if (typeof v === 'string') return;
      if (!Array.isArray(v)) fail(v, path, GO_TYPE.strSlice);
      for (const x of v) if (typeof x !== 'string' && x !== null) fail(x, path, 'string');
      return;
    case 'strings':
      if (!Array.isArray(v)) fail(v, path, GO_TYPE.strings);
      for (const x of v) if (typeof x !== 'string' && x !== null) fail(x, path, 'string');
      return;
    case 'stringMap':
      if (!isObject(v)) fail(v, path, GO_TYPE.stringMap);
      for (const x of Object.values(v)) if (typeof x !== 'string' && x !== null) fail(x, path, 'string');
      return;
    case 'setMap':
      if (!isObject(v)) fail(v, path, GO_TYPE.setMap);
      for (const x of Object.values(v)) if (x !== null && !isObject(x)) fail(x, path, 'struct {}');
  }
}

/** Throws InvalidArgumentError (400) at the first field whose JSON type Go would not decode. */
export function checkBodyTypes(body: unknown, shape: Shape, structName: string): void {
  if (!isObject(body)) return;
  const walk = (obj: Record<string, unknown>, sh: Shape, prefix: string) => {
    for (const [field, kind] of Object.entries(sh)) {
      const v = obj[field];
      if (v === undefined || v === null) continue;
      const path = `${prefix}.${field}`;
      if (typeof kind === 'string') checkKind(v, kind, path);
      else if (Array.isArray(kind)) {
        if (!Array.isArray(v)) fail(v, path, `[]${field}`);
        for (const item of v) if (isObject(item)) walk(item, kind[0], path);
      } else {
        if (!isObject(v)) fail(v, path, field);
        walk(v, kind, path);
      }
    }
  };
  walk(body, shape, structName);
}

const HOST_CONFIG: Shape = {
  Binds: 'strings', CapAdd: 'strings', CapDrop: 'strings', Dns: 'strings', DnsOptions: 'strings', DnsSearch: 'strings',
  ExtraHosts: 'strings', GroupAdd: 'strings', Links: 'strings', SecurityOpt: 'strings', VolumesFrom: 'strings',
  DeviceCgroupRules: 'strings', MaskedPaths: 'strings', ReadonlyPaths: 'strings',
  Tmpfs: 'stringMap', Sysctls: 'stringMap', StorageOpt: 'stringMap', Annotations: 'stringMap',
  NetworkMode: 'string', IpcMode: 'string', PidMode: 'string', UTSMode: 'string', UsernsMode: 'string', CgroupnsMode: 'string',
  Runtime: 'string', CgroupParent: 'string', VolumeDriver: 'string',
  LogConfig: { Type: 'string', Config: 'stringMap' },
  Mounts: [{ Type: 'string', Source: 'string', Target: 'string', VolumeOptions: { Labels: 'stringMap', DriverConfig: { Name: 'string', Options: 'stringMap' } } }],
};

/** POST /containers/create (Config + HostConfig + NetworkingConfig) */
export const CONTAINER_CREATE: Shape = {
  Image: 'string', Hostname: 'string', Domainname: 'string', User: 'string', WorkingDir: 'string', StopSignal: 'string', MacAddress: 'string',
  Labels: 'stringMap', Env: 'strings', Cmd: 'strSlice', Entrypoint: 'strSlice', OnBuild: 'strings', Shell: 'strings',
  Volumes: 'setMap', ExposedPorts: 'setMap',
  HostConfig: HOST_CONFIG,
};

/** POST /commit (the container config of the new image) */
export const COMMIT_CONFIG: Shape = {
  Hostname: 'string', Domainname: 'string', User: 'string', WorkingDir: 'string', StopSignal: 'string',
  Labels: 'stringMap', Env: 'strings', Cmd: 'strSlice', Entrypoint: 'strSlice', OnBuild: 'strings', Shell: 'strings',
  Volumes: 'setMap', ExposedPorts: 'setMap',
};

/**
 * A query parameter holding JSON that Go decodes into map[string]string (build `labels`) or
 * map[string]*string (`buildargs`); what names it in dockerd's error ("error reading labels").
 */
export function checkStringMapParam(what: string, v: unknown): void {
  if (v === null || v === undefined) return;
  if (!isObject(v)) throw new InvalidArgumentError(`error reading ${what}: json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]string`, 'ERR_BAD_JSON_TYPE');
  for (const x of Object.values(v)) {
    if (typeof x !== 'string' && x !== null) throw new InvalidArgumentError(`error reading ${what}: json: cannot unmarshal ${jsonKind(x)} into Go value of type string`, 'ERR_BAD_JSON_TYPE');
  }
}

/** POST /containers/{id}/exec */
export const EXEC_CREATE: Shape = { User: 'string', WorkingDir: 'string', DetachKeys: 'string', Env: 'strings', Cmd: 'strSlice' };

/** POST /volumes/create */
export const VOLUME_CREATE: Shape = { Name: 'string', Driver: 'string', Labels: 'stringMap', DriverOpts: 'stringMap' };

/** POST /networks/create */
export const NETWORK_CREATE: Shape = {
  Name: 'string', Driver: 'string', Scope: 'string', Labels: 'stringMap', Options: 'stringMap',
  IPAM: { Driver: 'string', Options: 'stringMap', Config: [{ Subnet: 'string', IPRange: 'string', Gateway: 'string', AuxiliaryAddresses: 'stringMap' }] },
};
