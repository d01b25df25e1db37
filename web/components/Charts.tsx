/**
 * Small bar charts as inline SVG, rendered on the server: no chart library, no JavaScript. Each
 * bar has a <title> for its exact value (hover), and the numbers also appear in a table nearby.
 * Every word comes from the caller (titles, labels, hover texts, already in the page's language);
 * a bare value is written in the page's digits.
 */
import { useLocale } from "next-intl";
import { formatNumber } from "@/lib/format";

export interface BarSeries {
  label: string;
  color: string;
}

export interface BarDatum {
  label: string;
  /** One value per series; stacked bottom-up in series order. */
  values: number[];
  /** Hover text per series. */
  titles: string[];
}

export function BarChart({
  data,
  series,
  title,
  testId,
  height = 140,
}: {
  data: BarDatum[];
  series: BarSeries[];
  title: string;
  testId: string;
  height?: number;
}) {
  const locale = useLocale();
  const width = Math.max(240, data.length * 44 + 40);
  const top = 8;
  const bottom = 22;
  const inner = height - top - bottom;
  const max = Math.max(1, ...data.map((d) => d.values.reduce((a, b) => a + b, 0)));
  const slot = (width - 20) / Math.max(1, data.length);
  const bar = Math.min(28, slot * 0.6);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title}
        {series.length > 1 && (
          <span className="chart-legend">
            {series.map((s) => (
              <span key={s.label}>
                <i style={{ background: s.color }} /> {s.label}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" aria-label={title} preserveAspectRatio="none">
        <line x1={10} x2={width - 10} y1={top + inner} y2={top + inner} stroke="currentColor" strokeOpacity={0.25} />
        {data.map((d, i) => {
          const x = 10 + i * slot + (slot - bar) / 2;
          let y = top + inner;
          return (
            <g key={d.label} data-testid={`${testId}-bar`} data-label={d.label} data-values={d.values.join(",")}>
              {d.values.map((v, j) => {
                const h = (v / max) * inner;
                y -= h;
                return v > 0 ? (
                  <rect key={j} x={x} y={y} width={bar} height={Math.max(h, 1)} fill={series[j]?.color ?? "#888"} rx={2}>
                    <title>{`${d.label}: ${d.titles[j] ?? formatNumber(v, locale)}`}</title>
                  </rect>
                ) : null;
              })}
              <text x={x + bar / 2} y={height - 6} textAnchor="middle" fontSize={11} fill="currentColor" fillOpacity={0.7}>
                {d.label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
