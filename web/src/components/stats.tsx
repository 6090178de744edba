/**
 * Live stats of a running container from the Engine API's stats stream (one sample a second): CPU %,
 * memory, network and block I/O rates over the last WINDOW samples, computed as `docker stats` does.
 */
import { useEffect, useState } from 'preact/hooks';
import { engineStream } from '../api.ts';
import { jsonLines } from '../streams.ts';
import { bytes } from '../format.ts';
import type { StatsSample } from '../types.ts';
import { LiveChart } from './chart.tsx';
import { cpuPercent, memUsed } from '../usage.ts';

const WINDOW = 300;

interface Point { t: number; cpu: number; mem: number; rx: number; tx: number; rd: number; wr: number }

function netTotals(s: StatsSample): [number, number] {
  let rx = 0; let tx = 0;
  for (const n of Object.values(s.networks ?? {})) { rx += n.rx_bytes; tx += n.tx_bytes; }
  return [rx, tx];
}
function blkTotals(s: StatsSample): [number, number] {
  let rd = 0; let wr = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (/^read$/i.test(e.op)) rd += e.value;
    if (/^write$/i.test(e.op)) wr += e.value;
  }
  return [rd, wr];
}
export function Stats(props: { id: string; running: boolean }) {
  const [points, setPoints] = useState<Point[]>([]);
  const [last, setLast] = useState<StatsSample | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    if (!props.running) return;
    const ac = new AbortController();
    let prev: StatsSample | null = null;
    const onSample = (s: StatsSample) => {
      const t = Date.parse(s.read) / 1000 || Date.now() / 1000;
      const cpu = cpuPercent(s);
      let rates = { rx: 0, tx: 0, rd: 0, wr: 0 };
      if (prev) {
        const dt = Math.max(0.001, t - (Date.parse(prev.read) / 1000 || t - 1));
        const [rx, tx] = netTotals(s); const [prx, ptx] = netTotals(prev);
        const [rd, wr] = blkTotals(s); const [prd, pwr] = blkTotals(prev);
        rates = { rx: Math.max(0, rx - prx) / dt, tx: Math.max(0, tx - ptx) / dt, rd: Math.max(0, rd - prd) / dt, wr: Math.max(0, wr - pwr) / dt };
      }
      prev = s;
      setLast(s);
      setPoints((ps) => [...ps.slice(-(WINDOW - 1)), { t, cpu, mem: memUsed(s), ...rates }]);
    };
    engineStream('GET', `/containers/${props.id}/stats`, jsonLines(onSample), { signal: ac.signal, query: { stream: 1 } })
      .catch((e: Error) => { if (!ac.signal.aborted) setErr(e.message); });
    return () => ac.abort();
  }, [props.id, props.running]);

  if (!props.running) return <p class="empty">The container is not running: no live stats.</p>;
  const col = (k: keyof Point) => points.map((p) => p[k]);
  const t = col('t');
  const cur = points[points.length - 1];
  return (
    <div class="stats">
      {err && <p class="load-error">Stats: {err}</p>}
      <p class="muted" aria-live="off" data-testid="stats-summary">
        {cur ? <>CPU {cur.cpu.toFixed(2)}% · memory {bytes(cur.mem)}{last?.memory_stats.limit ? ` of ${bytes(last.memory_stats.limit)}` : ''} · PIDs {last?.pids_stats?.current ?? '—'} · {points.length} samples</> : 'waiting for the first sample…'}
      </p>
      <div class="charts">
        <LiveChart title="CPU" series={[{ label: 'CPU %', color: '#3b82f6' }]} data={[t, col('cpu')]} format={(v) => `${v.toFixed(1)}%`} />
        <LiveChart title="Memory" series={[{ label: 'used', color: '#a855f7' }]} data={[t, col('mem')]} format={bytes} />
        <LiveChart title="Network" series={[{ label: 'rx/s', color: '#22c55e' }, { label: 'tx/s', color: '#f59e0b' }]} data={[t, col('rx'), col('tx')]} format={(v) => `${bytes(v)}/s`} />
        <LiveChart title="Block I/O" series={[{ label: 'read/s', color: '#06b6d4' }, { label: 'write/s', color: '#ef4444' }]} data={[t, col('rd'), col('wr')]} format={(v) => `${bytes(v)}/s`} />
      </div>
    </div>
  );
}
