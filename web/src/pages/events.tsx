/** Events: the engine's live feed (GET /events, streamed), the newest first, bounded. */
import { useEffect, useState } from 'preact/hooks';
import { engineStream } from '../api.ts';
import { Empty, Section } from '../components/ui.tsx';
import { connection, useStore } from '../state.ts';
import { jsonLines } from '../streams.ts';
import type { EngineEvent } from '../types.ts';

const KEEP = 500;

export function EventsPage() {
  const [events, setEvents] = useState<EngineEvent[]>([]);
  const [type, setType] = useState('all');
  const conn = useStore(connection);
  useEffect(() => {
    if (conn !== 'ok') return;
    const ac = new AbortController();
    // the last ten minutes, then live
    const since = Math.floor(Date.now() / 1000) - 600;
    engineStream('GET', '/events', jsonLines<EngineEvent>((e) => setEvents((es) => [e, ...es].slice(0, KEEP))), { signal: ac.signal, query: { since } }).catch(() => undefined);
    return () => { ac.abort(); setEvents([]); };
  }, [conn]);
  const shown = events.filter((e) => type === 'all' || e.Type === type);
  return (
    <Section title="Events">
      <div class="filters"><label>Type <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
        {['all', 'container', 'image', 'network', 'volume', 'daemon', 'builder'].map((t) => <option key={t}>{t}</option>)}
      </select></label><span class="muted" aria-live="polite">{shown.length} events (live)</span></div>
      {shown.length === 0 ? <Empty>No events in the last ten minutes; new ones appear here as they happen.</Empty> : (
        <div class="table-wrap"><table class="list" data-testid="event-list">
          <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Action</th><th scope="col">Actor</th></tr></thead>
          <tbody>{shown.map((e, i) => (
            <tr key={`${e.timeNano ?? e.time}-${i}`}>
              <td>{new Date((e.timeNano ? e.timeNano / 1e6 : e.time * 1000)).toLocaleTimeString()}</td><td>{e.Type}</td><td>{e.Action}</td>
              <td class="mono trunc">{e.Actor.Attributes?.name ?? e.Actor.ID.slice(0, 12)}</td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </Section>
  );
}
