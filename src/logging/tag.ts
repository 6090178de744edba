/**
 * The `tag` log option: a Go template over Docker's logger.Info (daemon/logger/loggerutils/log_tag.go),
 * default `{{.ID}}` (the short container id). berth reads the single actions tags use, `{{.Field}}`
 * and pipelines through Docker's template functions (`{{.ImageName | lower}}`, `{{truncate .Name 5}}`);
 * control actions (if, range, with, variables) are refused as not supported. The client's Go-template
 * interpreter sits in a layer above this one, and a tag needs only this small part of it.
 */
import { hostname } from 'node:os';
import { NotSupportedError } from '../common/errors.js';
import type { LogInfo } from './driver.js';
import { goJsonString, goTimeJson, optError } from './options.js';

export const DEFAULT_TAG = '{{.ID}}';

const short = (id: string) => { const i = id.indexOf(':'); return (i >= 0 ? id.slice(i + 1) : id).slice(0, 12); };

/** The fields and methods of Docker's logger.Info a template can name. */
function infoFields(info: LogInfo): Record<string, () => unknown> {
  const command = () => [info.command[0] ?? '', ...info.command.slice(1)].join(' ');
  return {
    ID: () => short(info.containerId), FullID: () => info.containerId,
    Name: () => info.containerName, ImageID: () => short(info.imageId), ImageFullID: () => info.imageId,
    ImageName: () => info.imageName, DaemonName: () => info.daemonName, Command: command,
    Hostname: () => hostname(),
    ContainerID: () => info.containerId, ContainerName: () => `/${info.containerName}`,
    ContainerEntrypoint: () => info.command[0] ?? '', ContainerArgs: () => info.command.slice(1),
    ContainerImageID: () => info.imageId, ContainerImageName: () => info.imageName,
    ContainerCreated: () => info.containerCreated, ContainerEnv: () => info.env, ContainerLabels: () => info.labels,
    Config: () => info.config, LogPath: () => '',
  };
}

const FUNCS: Record<string, (...a: any[]) => unknown> = {
  lower: (s: string) => String(s).toLowerCase(),
  upper: (s: string) => String(s).toUpperCase(),
  title: (s: string) => String(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
  truncate: (s: string, n: number) => [...String(s)].slice(0, n).join(''),
  pad: (s: string, l: number, r: number) => ' '.repeat(l) + String(s) + ' '.repeat(r),
  split: (s: string, sep: string) => String(s).split(sep),
  join: (a: unknown[], sep: string) => a.map(String).join(sep),
  json: (v: unknown) => jsonOf(v),
  index: (m: unknown, k: string | number) => (m as Record<string, unknown>)?.[k as string] ?? '',
};

function jsonOf(v: unknown): string {
  if (typeof v === 'string') return goJsonString(v);
  if (v instanceof Date) return `"${goTimeJson(v)}"`;
  if (Array.isArray(v)) return `[${v.map(jsonOf).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${goJsonString(k)}:${jsonOf((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function printOf(v: unknown): string {
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace(/\.?0*Z$/, ' +0000 UTC');
  if (Array.isArray(v)) return `[${v.map(printOf).join(' ')}]`;
  if (v && typeof v === 'object') return `map[${Object.keys(v).sort().map((k) => `${k}:${printOf((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  return String(v);
}

type Operand = { field: string } | { fn: string } | { lit: unknown };
type Part = { text: string } | { pipe: Operand[][] };

/** Split one action into its commands and their operands. */
function parseAction(src: string, tmpl: string): Operand[][] {
  const cmds: Operand[][] = [[]];
  const re = /\s*(?:(\|)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(-?\d+)|\.([A-Za-z_]\w*)|([A-Za-z_]\w*)|(\S+))/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length && (m = re.exec(src))) {
    if (m[0].trim() === '') break;
    if (m[1]) { cmds.push([]); continue; }
    const cur = cmds[cmds.length - 1];
    if (m[2] !== undefined) cur.push({ lit: JSON.parse(`"${m[2]}"`) });
    else if (m[3] !== undefined) cur.push({ lit: m[3] });
    else if (m[4] !== undefined) cur.push({ lit: Number(m[4]) });
    else if (m[5] !== undefined) cur.push({ field: m[5] });
    else if (m[6] !== undefined) {
      if (['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue'].includes(m[6])) {
        throw new NotSupportedError(`log opt tag: the template action "${m[6]}" is not supported by berth (${tmpl})`, 'ERR_LOG_OPT');
      }
      if (!(m[6] in FUNCS)) throw optError(`template: log-tag:1: function "${m[6]}" not defined`);
      cur.push({ fn: m[6] });
    } else throw new NotSupportedError(`log opt tag: "${m[7]}" in a template is not supported by berth (${tmpl})`, 'ERR_LOG_OPT');
  }
  if (cmds.some((c) => c.length === 0)) throw optError(`template: log-tag:1: missing value for command`);
  return cmds;
}

/** Parse a tag template (throws on what Go's parser or berth refuses). */
export function parseTag(tmpl: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < tmpl.length) {
    const open = tmpl.indexOf('{{', i);
    if (open < 0) { parts.push({ text: tmpl.slice(i) }); break; }
    if (open > i) parts.push({ text: tmpl.slice(i, open) });
    const close = tmpl.indexOf('}}', open + 2);
    if (close < 0) throw optError('template: log-tag:1: unclosed action');
    let body = tmpl.slice(open + 2, close);
    if (/^-\s/.test(body)) { body = body.slice(2); const last = parts[parts.length - 1]; if (last && 'text' in last) last.text = last.text.trimEnd(); }
    let trimNext = false;
    if (/\s-$/.test(body)) { body = body.slice(0, -2); trimNext = true; }
    if (/^\s*\/\*/.test(body)) { i = close + 2; continue; }
    parts.push({ pipe: parseAction(body, tmpl) });
    i = close + 2;
    if (trimNext) while (i < tmpl.length && /\s/.test(tmpl[i])) i++;
  }
  return parts;
}

/** Docker's ParseLogTag: the container's tag (config.tag, or the driver's default template). */
export function renderTag(info: LogInfo, defaultTemplate = DEFAULT_TAG): string {
  const tmpl = info.config.tag || defaultTemplate;
  const fields = infoFields(info);
  let out = '';
  for (const part of parseTag(tmpl)) {
    if ('text' in part) { out += part.text; continue; }
    let prev: unknown;
    let piped = false;
    for (const cmd of part.pipe) {
      const vals = cmd.map((o) => {
        if ('lit' in o) return o.lit;
        if ('field' in o) {
          const f = fields[o.field];
          if (!f) throw optError(`template: log-tag:1: executing "log-tag" at <.${o.field}>: can't evaluate field ${o.field} in type *logger.Info`);
          return f();
        }
        return FUNCS[o.fn];
      });
      const [head, ...args] = vals;
      if (typeof head === 'function') prev = head(...args, ...(piped ? [prev] : []));
      else if (args.length) throw optError(`template: log-tag:1: can't give argument to non-function`);
      else prev = head;
      piped = true;
    }
    out += printOf(prev);
  }
  return out;
}

/** A template checked at create: parsed and rendered once against a placeholder container, so an unknown field fails there. */
export function checkTag(tmpl: string): void {
  renderTag({
    containerId: '0'.repeat(64), containerName: 'x', imageName: 'x', imageId: `sha256:${'0'.repeat(64)}`, containerCreated: new Date(0),
    labels: {}, env: [], command: [], daemonName: 'berth', hostname: 'x', config: { tag: tmpl }, containerDir: '/',
  });
}
