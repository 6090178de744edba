/** What the forms parse before they call the Engine API (plain functions, unit-tested in Node). */

/** `fromImage` and `tag` as the Engine API takes them: the tag after the last colon past the last slash. */
export function splitRef(ref: string): { fromImage: string; tag?: string } {
  if (ref.includes('@')) return { fromImage: ref };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { fromImage: ref, tag: 'latest' };
}

/** Split a command line on spaces, keeping "double" or 'single' quoted words whole (no other shell syntax). */
export function splitCommand(s: string): string[] {
  return (s.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []).map((w) => w.replace(/"([^"]*)"|'([^']*)'/g, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
}

/** `8080:80, 127.0.0.1:5353:53/udp` → the create body's ExposedPorts and PortBindings */
export function parsePorts(spec: string): { exposed: Record<string, object>; bindings: Record<string, Array<{ HostIp?: string; HostPort: string }>> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp?: string; HostPort: string }>> = {};
  for (const p of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(?:([\d.]+):)?(\d+):(\d+)(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (!m) throw new Error(`port "${p}": use [ip:]host:container[/proto], e.g. 8080:80`);
    const key = `${m[3]}/${m[4] ?? 'tcp'}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ ...(m[1] ? { HostIp: m[1] } : {}), HostPort: m[2]! });
  }
  return { exposed, bindings };
}
