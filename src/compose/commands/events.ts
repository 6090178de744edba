/** `compose events`: the engine's container events of the project, in compose v2's two forms. */
import type { Command } from 'commander';
import { jsonLines } from '../../client/engine-client.js';
import type { ComposeContext } from '../context.js';
import { LABELS } from '../model.js';
import { projectOrName } from '../ops/project-ref.js';

interface EngineEvent { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; time?: number; timeNano?: number }

export function registerEventsCommand(program: Command, ctx: () => ComposeContext): void {
  program.command('events').usage('[OPTIONS] [SERVICE...]').description('Receive real time events from containers')
    .argument('[services...]')
    .option('--json', 'Output events as a stream of json objects')
    .option('--since <since>', 'Show all events created since timestamp')
    .option('--until <until>', 'Stream events until this timestamp')
    .action(async (services: string[], o: { json?: boolean; since?: string; until?: string }) => {
      const c = ctx();
      const { name } = await projectOrName(c);
      const client = await c.client();
      const res = await client.request('GET', '/events', {
        query: { since: o.since, until: o.until, filters: JSON.stringify({ label: [`${LABELS.project}=${name}`] }) },
      });
      for await (const ev of jsonLines(res) as AsyncGenerator<EngineEvent>) {
        if (ev.Type !== 'container') continue;
        const attrs = ev.Actor?.Attributes ?? {};
        if (attrs[LABELS.oneoff] === 'True') continue;
        const service = attrs[LABELS.service] ?? '';
        if (services.length && !services.includes(service)) continue;
        const attributes: Record<string, string> = {};
        for (const k of Object.keys(attrs).sort()) if (!k.startsWith('com.docker.compose.')) attributes[k] = attrs[k];
        const nanos = ev.timeNano ? BigInt(ev.timeNano) : BigInt(ev.time ?? 0) * 1_000_000_000n;
        if (o.json) {
          c.out(`${JSON.stringify({ action: ev.Action ?? '', attributes, id: ev.Actor?.ID ?? '', service, time: rfc3339Nano(nanos), type: 'container' })}\n`);
        } else {
          const attrText = Object.entries(attributes).map(([k, v]) => `${k}=${v}`).join(', ');
          // compose prints the event's String(), which ends in a newline, with Println: a blank line follows
          c.out(`${localStamp(nanos)} container ${ev.Action ?? ''} ${ev.Actor?.ID ?? ''} (${attrText})\n\n`);
        }
      }
    });
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function zone(d: Date, utcAsZ: boolean): string {
  const off = -d.getTimezoneOffset();
  if (off === 0 && utcAsZ) return 'Z';
  return `${off >= 0 ? '+' : '-'}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** Go's "2006-01-02 15:04:05.000000" in local time. */
function localStamp(nanos: bigint): string {
  const d = new Date(Number(nanos / 1_000_000n));
  const micros = String((nanos % 1_000_000_000n) / 1000n).padStart(6, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${micros}`;
}

/** A time.Time as encoding/json writes it: RFC 3339 with the nanoseconds' trailing zeros cut. */
function rfc3339Nano(nanos: bigint): string {
  const d = new Date(Number(nanos / 1_000_000n));
  const frac = String(nanos % 1_000_000_000n).padStart(9, '0').replace(/0+$/, '');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${frac ? `.${frac}` : ''}${zone(d, true)}`;
}
