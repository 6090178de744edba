/**
 * Type checks of request bodies where dockerd's Go decoder is strict: a field that Go decodes
 * into a string, []string or map[string]string must hold exactly that. Stored as sent, a
 * `"Labels":{"a":1}` would break every later `ps` for every client; dockerd refuses it at the
 * door with encoding/json's wording, and so does this.
 */
import { InvalidArgumentError } from '../common/errors.js';

type Kind = 'string' | 'strings' | 'stringMap' | 'strSlice' | 'setMap';
/** A Go struct: its type name (encoding/json names the innermost struct in errors) and fields. */
export interface Shape { go: string; fields: { [field: string]: Kind | Shape | [Shape] } }

const GO_TYPE: Record<Kind, string> = {
  string: 'string', strings: '[]string', stringMap: 'map[string]string', strSlice: 'string', setMap: 'map[string]struct {}',
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
    case 'strSlice': // a string or a list of strings (Cmd, Entrypoint); Docker's StrSlice reports a bad one as not a string
      if (typeof v === 'string') return;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && x !== null)) fail(v, path, 'string');
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

/**
 * Throws InvalidArgumentError (400) at the first field whose JSON type Go would not decode, worded as
 * encoding/json: the innermost struct's type name, then the field path from the top
 * ("Go struct field HostConfig.HostConfig.Tmpfs of type string").
 */
export function checkBodyTypes(body: unknown, shape: Shape): void {
  if (!isObject(body)) return;
  const walk = (obj: Record<string, unknown>, sh: Shape, fieldPath: string[]) => {
    for (const [field, kind] of Object.entries(sh.fields)) {
      const v = obj[field];
      if (v === undefined || v === null) continue;
      const path = [...fieldPath, field];
      const where = `${sh.go}.${path.join('.')}`;
      if (typeof kind === 'string') checkKind(v, kind, where);
      else if (Array.isArray(kind)) {
        if (!Array.isArray(v)) fail(v, where, `[]${kind[0].go}`);
        for (const item of v) {
          if (item !== null && !isObject(item)) fail(item, where, kind[0].go);
          if (isObject(item)) walk(item, kind[0], path);
        }
      } else {
        if (!isObject(v)) fail(v, where, kind.go);
        walk(v, kind, path);
      }
    }
  };
  walk(body, shape, []);
}

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

const HOST_CONFIG: Shape = { go: 'HostConfig', fields: {
  Binds: 'strings', CapAdd: 'strings', CapDrop: 'strings', Dns: 'strings', DnsOptions: 'strings', DnsSearch: 'strings',
  ExtraHosts: 'strings', GroupAdd: 'strings', Links: 'strings', SecurityOpt: 'strings', VolumesFrom: 'strings',
  DeviceCgroupRules: 'strings', MaskedPaths: 'strings', ReadonlyPaths: 'strings',
  Tmpfs: 'stringMap', Sysctls: 'stringMap', StorageOpt: 'stringMap', Annotations: 'stringMap',
  NetworkMode: 'string', IpcMode: 'string', PidMode: 'string', UTSMode: 'string', UsernsMode: 'string', CgroupnsMode: 'string',
  Runtime: 'string', CgroupParent: 'string', VolumeDriver: 'string',
  LogConfig: { go: 'LogConfig', fields: { Type: 'string', Config: 'stringMap' } },
  Mounts: [{ go: 'Mount', fields: { Type: 'string', Source: 'string', Target: 'string',
    VolumeOptions: { go: 'VolumeOptions', fields: { Labels: 'stringMap', DriverConfig: { go: 'Driver', fields: { Name: 'string', Options: 'stringMap' } } } } } }],
} };

const CONFIG_FIELDS: Shape['fields'] = {
  Hostname: 'string', Domainname: 'string', User: 'string', WorkingDir: 'string', StopSignal: 'string',
  Labels: 'stringMap', Env: 'strings', Cmd: 'strSlice', Entrypoint: 'strSlice', OnBuild: 'strings', Shell: 'strings',
  Volumes: 'setMap', ExposedPorts: 'setMap',
};

/** POST /containers/create: container.CreateRequest (Config embedded, HostConfig, NetworkingConfig) */
export const CONTAINER_CREATE: Shape = { go: 'CreateRequest', fields: { ...CONFIG_FIELDS, Image: 'string', MacAddress: 'string', HostConfig: HOST_CONFIG } };

/** POST /commit: the container config of the new image */
export const COMMIT_CONFIG: Shape = { go: 'Config', fields: CONFIG_FIELDS };

/** POST /containers/{id}/exec */
export const EXEC_CREATE: Shape = { go: 'ExecOptions', fields: { User: 'string', WorkingDir: 'string', DetachKeys: 'string', Env: 'strings', Cmd: 'strSlice' } };

/** POST /volumes/create */
export const VOLUME_CREATE: Shape = { go: 'CreateOptions', fields: { Name: 'string', Driver: 'string', Labels: 'stringMap', DriverOpts: 'stringMap' } };

/** POST /networks/create */
export const NETWORK_CREATE: Shape = { go: 'CreateRequest', fields: {
  Name: 'string', Driver: 'string', Scope: 'string', Labels: 'stringMap', Options: 'stringMap',
  IPAM: { go: 'IPAM', fields: { Driver: 'string', Options: 'stringMap',
    Config: [{ go: 'IPAMConfig', fields: { Subnet: 'string', IPRange: 'string', Gateway: 'string', AuxiliaryAddresses: 'stringMap' } }] } },
} };
