/**
 * Small hand-written SVGs: one horizontal bar per tool, its median as a ratio to the case's best peer;
 * and, for series, each tool's curve of median against size.
 */
import type { CaseResult } from './harness.js';
import type { SeriesTable } from './series.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const LABEL_W = 220;
const BAR_W = 440;
const VALUE_W = 150;
const ROW_H = 24;
const HEAD_H = 28;
const PAD = 12;

export function ratioChartSvg(cases: CaseResult[]): string {
  const rows = cases.map((c) => ({ c, tools: c.tools.filter((t) => t.ratio !== undefined) }));
  const maxRatio = Math.max(1, ...rows.flatMap((r) => [...r.tools.map((t) => t.ratio!), r.c.goalRatio ?? 0])) * 1.1;
  const x = (ratio: number) => LABEL_W + (ratio / maxRatio) * BAR_W;
  const width = LABEL_W + BAR_W + VALUE_W + PAD;
  const parts: string[] = [];
  let y = PAD + 16;
  parts.push(`<text x="${PAD}" y="${y}" font-weight="bold">Median time as a ratio to the best peer (lower is better)</text>`);
  y += 12;
  for (const { c, tools } of rows) {
    y += HEAD_H - 8;
    parts.push(`<text x="${PAD}" y="${y}" font-weight="bold">${esc(c.name)}${c.bestPeer ? ` (1× = ${esc(c.bestPeer)})` : ''}</text>`);
    y += 8;
    const top = y;
    for (const t of tools) {
      const fill = t.role === 'berth' ? '#2b6cb0' : '#a0aec0';
      parts.push(`<text x="${LABEL_W - 8}" y="${y + 16}" text-anchor="end">${esc(t.name)}</text>`);
      parts.push(`<rect x="${LABEL_W}" y="${y + 4}" width="${Math.max(1, x(t.ratio!) - LABEL_W).toFixed(1)}" height="${ROW_H - 8}" fill="${fill}"/>`);
      parts.push(`<text x="${(x(t.ratio!) + 6).toFixed(1)}" y="${y + 16}">${t.ratio!.toFixed(2)}× (${t.summary!.median.toFixed(1)} ms)</text>`);
      y += ROW_H;
    }
    if (tools.length === 0) {
      parts.push(`<text x="${LABEL_W}" y="${y + 16}" fill="#c53030">no figures (see the report)</text>`);
      y += ROW_H;
    }
    const one = x(1).toFixed(1);
    parts.push(`<line x1="${one}" y1="${top}" x2="${one}" y2="${y}" stroke="#2d3748" stroke-dasharray="3,3"/>`);
    if (c.goalRatio) {
      const g = x(c.goalRatio).toFixed(1);
      parts.push(`<line x1="${g}" y1="${top}" x2="${g}" y2="${y}" stroke="#c53030" stroke-dasharray="6,3"/>`);
      parts.push(`<text x="${g}" y="${y + 12}" text-anchor="middle" fill="#c53030" font-size="11">goal ${c.goalRatio}×</text>`);
      y += 14;
    }
  }
  const height = y + PAD;
  return svgDocument(width, height, parts);
}

/**
 * One small panel per series: each tool's median (y, linear from 0) against the size (x, log scale),
 * a line per tool, with its flatness (largest / smallest) in the legend. Hand-written like the bar
 * chart above: a dozen SVG elements do not need a charting library.
 */
const PANEL_W = 380;
const PANEL_H = 240;
const PANEL_PAD = { left: 64, right: 16, top: 40, bottom: 40 };
const COLUMNS = 2;
const PALETTE: Record<string, string> = { berth: '#2b6cb0', docker: '#dd6b20', podman: '#805ad5' };
const EXTRA_COLOURS = ['#38a169', '#d53f8c', '#718096', '#b7791f'];

function colourOf(tool: string, i: number): string {
  return PALETTE[tool] ?? (tool.startsWith('berth@') ? '#63b3ed' : EXTRA_COLOURS[i % EXTRA_COLOURS.length]);
}

function fmtMs(v: number): string { if (v === 0) return '0'; return v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s` : `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ms`; }

export function curveChartSvg(tables: SeriesTable[]): string {
  const rows = Math.max(1, Math.ceil(tables.length / COLUMNS));
  const width = COLUMNS * PANEL_W + PAD * 2;
  const height = rows * PANEL_H + PAD * 2 + 24;
  const parts: string[] = [`<text x="${PAD}" y="${PAD + 14}" font-weight="bold">Median time against size (x: log scale); flatness = largest / smallest</text>`];
  tables.forEach((t, idx) => {
    const ox = PAD + (idx % COLUMNS) * PANEL_W;
    const oy = PAD + 24 + Math.floor(idx / COLUMNS) * PANEL_H;
    const plotW = PANEL_W - PANEL_PAD.left - PANEL_PAD.right;
    const plotH = PANEL_H - PANEL_PAD.top - PANEL_PAD.bottom;
    const lo = Math.log10(t.sizes[0]);
    const hi = Math.log10(t.sizes[t.sizes.length - 1]);
    const x = (s: number) => ox + PANEL_PAD.left + (hi > lo ? (Math.log10(s) - lo) / (hi - lo) : 0.5) * plotW;
    const yMax = Math.max(1e-9, ...t.rows.flatMap((r) => [...r.medians.values()])) * 1.1;
    const y = (v: number) => oy + PANEL_PAD.top + plotH - (v / yMax) * plotH;
    parts.push(`<text x="${ox + PANEL_PAD.left}" y="${oy + 16}" font-weight="bold" font-size="12">${esc(t.name)}</text>`);
    parts.push(`<rect x="${ox + PANEL_PAD.left}" y="${oy + PANEL_PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#cbd5e0"/>`);
    for (const frac of [0, 0.5, 1]) {
      const v = (yMax / 1.1) * frac;
      parts.push(`<text x="${ox + PANEL_PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="10">${fmtMs(v)}</text>`);
    }
    for (const s of t.sizes) {
      parts.push(`<line x1="${x(s).toFixed(1)}" y1="${oy + PANEL_PAD.top + plotH}" x2="${x(s).toFixed(1)}" y2="${oy + PANEL_PAD.top + plotH + 4}" stroke="#4a5568"/>`);
      parts.push(`<text x="${x(s).toFixed(1)}" y="${oy + PANEL_PAD.top + plotH + 16}" text-anchor="middle" font-size="10">${s}</text>`);
    }
    parts.push(`<text x="${ox + PANEL_PAD.left + plotW / 2}" y="${oy + PANEL_H - 8}" text-anchor="middle" font-size="10">${esc(t.unit)}s</text>`);
    t.rows.forEach((r, i) => {
      const colour = colourOf(r.tool, i);
      const pts = [...r.medians].sort((a, b) => a[0] - b[0]).map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`);
      if (pts.length > 1) parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
      for (const p of pts) { const [px, py] = p.split(','); parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${colour}"/>`); }
      const flat = r.flatness !== undefined ? ` ×${r.flatness.toFixed(2)}` : '';
      parts.push(`<text x="${ox + PANEL_PAD.left + 6}" y="${oy + PANEL_PAD.top + 14 + i * 13}" font-size="10" fill="${colour}">${esc(r.tool)}${flat}</text>`);
    });
  });
  return svgDocument(width, height, parts);
}

/** A standalone SVG file on a white background, from its drawn parts. */
function svgDocument(width: number, height: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
