/**
 * A shell in the container: an exec instance with a TTY (created through the Engine API), its bytes over
 * the dashboard's exec WebSocket (contract.ts: UI_EXEC_WS_PATH), drawn by xterm.js.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal } from '@xterm/xterm';
import { UI_EXEC_WS_PATH } from '../../../src/ui/contract.ts';
import { engine, wsUrl } from '../api.ts';

const COLS = 120;
const ROWS = 30;

/**
 * xterm.js writes its per-terminal rules into <style> elements, which the page's CSP (style-src 'self', no
 * inline styles) refuses, with a console error each time. It only ever sets their textContent and removes
 * them, so it is given inert <berth-style> elements instead (hidden by styles.css; nothing else on the page
 * creates <style> elements), and their text goes into constructed stylesheets, which the CSP allows (it
 * governs markup, not the CSSOM).
 */
const INERT_STYLE = 'berth-style';
const createElement = Document.prototype.createElement;
Document.prototype.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
  return createElement.call(this, tag.toLowerCase() === 'style' ? INERT_STYLE : tag, options);
} as typeof Document.prototype.createElement;

function mirrorStyleElements(root: HTMLElement): () => void {
  const sheets = new Map<Element, CSSStyleSheet>();
  const sync = () => {
    const present = new Set(root.querySelectorAll(INERT_STYLE));
    for (const el of present) {
      let sheet = sheets.get(el);
      if (!sheet) { sheet = new CSSStyleSheet(); sheets.set(el, sheet); document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }
      sheet.replaceSync(el.textContent ?? '');
    }
    // an element xterm removed takes its rules with it
    for (const [el, sheet] of sheets) {
      if (!present.has(el)) { sheets.delete(el); document.adoptedStyleSheets = document.adoptedStyleSheets.filter((x) => x !== sheet); }
    }
  };
  const mo = new MutationObserver(sync);
  mo.observe(root, { subtree: true, childList: true, characterData: true });
  sync();
  return () => {
    mo.disconnect();
    const mine = new Set(sheets.values());
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((x) => !mine.has(x));
  };
}

export function Shell(props: { id: string; running: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const [cmd, setCmd] = useState('/bin/sh');
  const [session, setSession] = useState(0);
  const [status, setStatus] = useState('');
  useEffect(() => {
    const el = host.current;
    if (!el || !props.running || session === 0) return;
    const unmirror = mirrorStyleElements(el);
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const term = new Terminal({ cols: COLS, rows: ROWS, convertEol: false, cursorBlink: true, fontSize: 13,
      theme: dark ? { background: '#0b0f14', foreground: '#e5e7eb' } : { background: '#ffffff', foreground: '#111827', cursor: '#111827', selectionBackground: '#bfdbfe' } });
    term.open(el);
    let ws: WebSocket | null = null;
    let closed = false;
    (async () => {
      setStatus('starting');
      const exec = await engine<{ Id: string }>('POST', `/containers/${props.id}/exec`, {
        body: { AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Cmd: cmd.trim().split(/\s+/), Env: [`COLUMNS=${COLS}`, `LINES=${ROWS}`, 'TERM=xterm-256color'] },
      });
      if (closed) return;
      ws = new WebSocket(wsUrl(UI_EXEC_WS_PATH.replace('{id}', encodeURIComponent(exec.Id))));
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        setStatus('connected');
        term.focus();
        engine('POST', `/exec/${exec.Id}/resize`, { query: { h: ROWS, w: COLS } }).catch(() => undefined);
      };
      ws.onmessage = (m) => term.write(typeof m.data === 'string' ? m.data : new Uint8Array(m.data as ArrayBuffer));
      ws.onclose = () => { if (!closed) { setStatus('ended'); term.write('\r\n[session ended]\r\n'); } };
      ws.onerror = () => setStatus('connection failed');
      term.onData((d) => { if (ws?.readyState === WebSocket.OPEN) ws.send(new TextEncoder().encode(d)); });
    })().catch((e: Error) => { setStatus(`error: ${e.message}`); term.write(`\r\n${e.message}\r\n`); });
    return () => { closed = true; ws?.close(); term.dispose(); unmirror(); };
  }, [props.id, props.running, session]);

  if (!props.running) return <p class="empty">The container is not running: start it to open a shell.</p>;
  return (
    <div class="shell">
      <form class="toolbar" onSubmit={(e) => { e.preventDefault(); setSession((s) => s + 1); }}>
        <label>Command <input value={cmd} onInput={(e) => setCmd(e.currentTarget.value)} /></label>
        <button type="submit">{session ? 'Reconnect' : 'Connect'}</button>
        <span class="muted" aria-live="polite" data-testid="terminal-status">{status}</span>
      </form>
      <div class="terminal" ref={host} data-testid="terminal" aria-label="Terminal" />
    </div>
  );
}
