/**
 * A container's logs: follow, search and timestamps over a virtualised list (only the rows in view are in
 * the DOM) with bounded memory (the newest MAX_LINES lines are kept; older ones are dropped and counted).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { engineStream } from '../api.ts';
import { dockerFrames, lineSplitter, type StreamName } from '../streams.ts';

const MAX_LINES = 20_000;
const ROW = 18;

interface Line { n: number; ts: string; stream: StreamName; text: string }

export function Logs(props: { id: string; tty: boolean }) {
  const [follow, setFollow] = useState(true);
  const [showTs, setShowTs] = useState(false);
  const [query, setQuery] = useState('');
  const [tail, setTail] = useState('1000');
  const lines = useRef<Line[]>([]);
  const dropped = useRef(0);
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState('');

  useEffect(() => {
    lines.current = []; dropped.current = 0; setVersion((v) => v + 1);
    const ac = new AbortController();
    let n = 0;
    let pending = false;
    // many lines a second repaint once a frame, not once a line
    const repaint = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; setVersion((v) => v + 1); }); } };
    const splitters = {
      stdout: lineSplitter((l) => push('stdout', l)),
      stderr: lineSplitter((l) => push('stderr', l)),
    };
    function push(stream: StreamName, raw: string) {
      const sp = raw.indexOf(' ');
      const looksTs = sp > 0 && /^\d{4}-\d\d-\d\dT/.test(raw);
      lines.current.push({ n: n++, stream, ts: looksTs ? raw.slice(0, sp) : '', text: looksTs ? raw.slice(sp + 1) : raw });
      if (lines.current.length > MAX_LINES) {
        const cut = lines.current.length - MAX_LINES;
        lines.current.splice(0, cut);
        dropped.current += cut;
      }
      repaint();
    }
    const feed = dockerFrames(props.tty, (s, text) => splitters[s](text));
    setStatus(follow ? 'following' : 'loading');
    engineStream('GET', `/containers/${props.id}/logs`, feed, { signal: ac.signal, query: { stdout: 1, stderr: 1, timestamps: 1, follow: follow ? 1 : 0, tail } })
      .then(() => { if (!ac.signal.aborted) setStatus(follow ? 'stream ended (the container stopped)' : ''); })
      .catch((e: Error) => { if (!ac.signal.aborted) setStatus(`error: ${e.message}`); });
    return () => ac.abort();
  }, [props.id, props.tty, follow, tail]);

  const shown = useMemo(() => {
    if (!query) return lines.current;
    const q = query.toLowerCase();
    return lines.current.filter((l) => l.text.toLowerCase().includes(q));
    // version: new lines arrived
  }, [version, query]);

  return (
    <div class="logs">
      <div class="toolbar" role="toolbar" aria-label="Log options">
        <label><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow</label>
        <label><input type="checkbox" checked={showTs} onChange={(e) => setShowTs(e.currentTarget.checked)} /> Timestamps</label>
        <label>Tail <select value={tail} onChange={(e) => setTail(e.currentTarget.value)}>
          <option value="100">100</option><option value="1000">1000</option><option value="10000">10000</option><option value="all">all</option>
        </select></label>
        <label class="grow">Search <input type="search" value={query} placeholder="text in a line" onInput={(e) => setQuery(e.currentTarget.value)} /></label>
        <span class="muted" aria-live="polite" data-testid="log-count">{shown.length} lines{query ? ` matching` : ''}{dropped.current ? `, ${dropped.current} older dropped` : ''}{status ? ` · ${status}` : ''}</span>
      </div>
      <VirtualRows rows={shown} showTs={showTs} stick={follow && !query} query={query} />
    </div>
  );
}

function VirtualRows(props: { rows: Line[]; showTs: boolean; stick: boolean; query: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const atBottom = useRef(true);
  /** where the view last scrolled itself to: a scroll event above it is the user's, reading back */
  const autoTop = useRef(0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // following: stay at the bottom unless the user scrolled up to read. A layout effect, so the view is at
  // the bottom when the rows are drawn: a plain effect runs a frame later and could undo a scroll the user
  // made in between (before its scroll event had told atBottom)
  useLayoutEffect(() => {
    const el = box.current;
    if (el && props.stick && atBottom.current) { el.scrollTop = el.scrollHeight; autoTop.current = el.scrollTop; setScrollTop(el.scrollTop); }
  });
  const first = Math.max(0, Math.floor(scrollTop / ROW) - 20);
  const last = Math.min(props.rows.length, Math.ceil((scrollTop + height) / ROW) + 20);
  const visible = props.rows.slice(first, last);
  return (
    <div class="log-view" ref={box} tabIndex={0} role="log" aria-label="Log lines" data-testid="log-view"
      onScroll={(e) => {
        const el = e.currentTarget;
        setScrollTop(el.scrollTop);
        // lines that arrived between our own scroll and its event must not count as the user scrolling up
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - ROW * 2) atBottom.current = true;
        else if (el.scrollTop < autoTop.current - ROW) atBottom.current = false;
      }}>
      <div class="log-spacer" style={{ height: `${props.rows.length * ROW}px` }}>
        <div class="log-rows" style={{ transform: `translateY(${first * ROW}px)` }}>
          {visible.map((l) => (
            <div key={l.n} class={`log-line ${l.stream}`}>
              {props.showTs && <span class="ts">{l.ts}</span>}
              <Highlighted text={l.text} query={props.query} />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function Highlighted(props: { text: string; query: string }) {
  if (!props.query) return <span>{props.text}</span>;
  const i = props.text.toLowerCase().indexOf(props.query.toLowerCase());
  if (i < 0) return <span>{props.text}</span>;
  return <span>{props.text.slice(0, i)}<mark>{props.text.slice(i, i + props.query.length)}</mark>{props.text.slice(i + props.query.length)}</span>;
}
