/** EXPOSE checks: protocol casing, and IP addresses or host ports (which only `run -p` can set). */
import { lintContext } from '../../context.js';
import { at, buildkitRule } from './define.js';

/** BuildKit's splitParts: [ip:]hostPort:containerPort, the IP may hold colons (IPv6). */
function splitParts(raw: string): { ip: string; hostPort: string; containerPort: string } {
  const parts = raw.split(':');
  if (parts.length === 1) return { ip: '', hostPort: '', containerPort: parts[0] };
  if (parts.length === 2) return { ip: '', hostPort: parts[0], containerPort: parts[1] };
  const n = parts.length;
  return { ip: parts.slice(0, n - 2).join(':'), hostPort: parts[n - 2], containerPort: parts[n - 1] };
}

function ports(input: Parameters<typeof lintContext>[0]) {
  return lintContext(input).sim.steps.flatMap((step) => (step.exposePorts ?? []).filter((p) => p.certain).map((p) => ({ step, raw: p.value, ...splitParts(p.value) })));
}

export const ExposeProtoCasing = buildkitRule('ExposeProtoCasing', 'Protocol in EXPOSE instruction should be lowercase', (input, report) => {
  for (const p of ports(input)) {
    const slash = p.containerPort.split('/');
    const proto = slash.length > 1 ? slash[1] : '';
    if (proto !== proto.toLowerCase()) report(at(p.step.node, `Defined protocol '${p.raw}' in EXPOSE instruction should be lowercase`, `Write EXPOSE ${p.raw.toLowerCase()}`));
  }
});

export const ExposeInvalidFormat = buildkitRule('ExposeInvalidFormat',
  'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release', (input, report) => {
    for (const p of ports(input)) {
      if (p.ip === '' && p.hostPort === '') continue;
      report(at(p.step.node, `EXPOSE instruction should not define an IP address or host-port mapping, found '${p.raw}'`, `Write EXPOSE ${p.containerPort}; publish with run -p ${p.raw} instead`));
    }
  });
