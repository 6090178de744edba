/** Small shared pieces: an action button that shows it is busy, key/value tables, empty states. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { act } from '../api.ts';

export function ActionButton(props: { label: string; what?: string; run: () => Promise<unknown>; danger?: boolean; disabled?: boolean; title?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button type="button" class={props.danger ? 'danger' : ''} disabled={busy || props.disabled} aria-busy={busy} title={props.title}
      onClick={async () => { setBusy(true); await act(props.what ?? props.label, props.run); setBusy(false); }}>
      {props.label}
    </button>
  );
}

export function KeyValues(props: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="kv">
      {props.rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => (
        <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}

export function Empty(props: { children: ComponentChildren }) { return <p class="empty">{props.children}</p>; }

export function LoadError(props: { error: string | null }) {
  return props.error ? <p class="load-error" role="status">Could not load: {props.error}</p> : null;
}

export function Section(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="panel" aria-label={props.title}>
      <header class="panel-head"><h2>{props.title}</h2>{props.actions && <div class="actions">{props.actions}</div>}</header>
      {props.children}
    </section>
  );
}
