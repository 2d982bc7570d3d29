import { useId } from 'react';

export interface Bar {
  label: string;
  value: number;
}

/**
 * A horizontal bar chart drawn as SVG (no chart library): one labelled bar per row, scaled to the largest value. It
 * is an image with a title and a description for screen readers; the same numbers are in the table beside it.
 */
export function BarChart({ title, bars, unit }: { title: string; bars: readonly Bar[]; unit: string }) {
  const id = useId();
  const rowHeight = 28;
  const labelWidth = 160;
  const width = 640;
  const valueWidth = 110;
  const barSpace = width - labelWidth - valueWidth;
  const max = Math.max(...bars.map((b) => b.value), 0);
  const height = Math.max(1, bars.length) * rowHeight + 8;
  const description = bars.length === 0 ? 'no data' : bars.map((b) => `${b.label}: ${format(b.value)} ${unit}`).join('; ');
  return (
    <svg className="chart" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${width} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {bars.map((b, i) => {
        const y = i * rowHeight + 4;
        const w = max > 0 ? Math.max(b.value > 0 ? 2 : 0, (b.value / max) * barSpace) : 0;
        return (
          <g key={b.label} aria-hidden="true">
            <text x={labelWidth - 8} y={y + rowHeight / 2} textAnchor="end" dominantBaseline="middle" className="chart-label">
              {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
            </text>
            <rect x={labelWidth} y={y + 4} width={w} height={rowHeight - 8} className="chart-bar" rx={2} />
            <text x={labelWidth + w + 6} y={y + rowHeight / 2} dominantBaseline="middle" className="chart-value">
              {format(b.value)} {unit}
            </text>
          </g>
        );
      })}
      {bars.length === 0 && (
        <text x={8} y={20} className="chart-label">
          nothing saved in this period
        </text>
      )}
    </svg>
  );
}

export function format(n: number): string {
  return n.toLocaleString('en', { maximumFractionDigits: 2 });
}
