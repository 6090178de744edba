/** A live line chart (uPlot draws on a canvas: cheap at one sample a second for minutes). */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series { label: string; color: string }

export function LiveChart(props: { title: string; series: Series[]; data: number[][]; format: (v: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth), height: 180,
      legend: { show: true },
      scales: { x: { time: true } },
      axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, values: (_u, vals) => vals.map((v) => props.format(v)), size: 70 }],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '—' : props.format(v)) }))],
    };
    plot.current = new uPlot(opts, props.data as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: 180 }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.current?.destroy(); plot.current = null; };
    // the series are fixed per chart
  }, []);
  useEffect(() => { plot.current?.setData(props.data as uPlot.AlignedData); }, [props.data]);
  return (
    <figure class="chart" data-samples={props.data[0]?.length ?? 0} data-testid={`chart-${props.title}`}>
      <figcaption>{props.title}</figcaption>
      <div ref={host} role="img" aria-label={`${props.title} over the last minutes`} />
    </figure>
  );
}
