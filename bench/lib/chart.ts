/** A small hand-written SVG: one horizontal bar per tool, its median as a ratio to the case's best peer. */
import type { CaseResult } from './harness.js';

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
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
