/**
 * Two small, dependency-free SVG charts for the payout simulation's figures in docs/: a line chart
 * on a log-scaled x axis and a grouped bar chart. Text is real <text> (readable, searchable) and
 * each chart carries a <title> and <desc> for screen readers.
 */

export interface Series {
  name: string;
  color: string;
  values: number[];
}

const W = 640;
const H = 360;
const M = { left: 56, right: 16, top: 40, bottom: 48 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function frame(title: string, desc: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" font-family="system-ui, sans-serif" font-size="12">\n` +
    `<title>${esc(title)}</title>\n<desc>${esc(desc)}</desc>\n<rect width="${W}" height="${H}" fill="#fff"/>\n` +
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>\n${body}</svg>\n`
  );
}

function legend(series: Series[]): string {
  return series
    .map(
      (s, i) =>
        `<rect x="${M.left + 8 + i * 200}" y="${M.top + 4}" width="12" height="12" fill="${s.color}"/>` +
        `<text x="${M.left + 26 + i * 200}" y="${M.top + 14}">${esc(s.name)}</text>`,
    )
    .join("\n");
}

/** Lines over x values on a log axis, y on a linear axis from 0; `reference` draws a dashed level. */
export function lineChartSvg(o: {
  title: string;
  desc: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: Series[];
  reference?: number;
}): string {
  const maxY = Math.max(o.reference ?? 0, ...o.series.flatMap((s) => s.values)) * 1.1;
  const [lx0, lx1] = [Math.log10(Math.min(...o.x)), Math.log10(Math.max(...o.x))];
  const px = (x: number) => M.left + ((Math.log10(x) - lx0) / (lx1 - lx0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - (y / maxY) * (H - M.top - M.bottom);
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = (maxY / 1.1) * (i / 4);
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`,
    );
  }
  for (const x of o.x) parts.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${x}</text>`);
  if (o.reference !== undefined)
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(o.reference)}" y2="${py(o.reference)}" stroke="#444" stroke-dasharray="6 4"/>` +
        `<text x="${W - M.right}" y="${py(o.reference) - 4}" text-anchor="end">${fmt(o.reference)}</text>`,
    );
  for (const s of o.series) {
    const points = s.values.map((v, i) => `${px(o.x[i]).toFixed(1)},${py(v).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${points}"/>`);
    s.values.forEach((v, i) => parts.push(`<circle cx="${px(o.x[i]).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${s.color}"/>`));
  }
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(legend(o.series));
  return frame(o.title, o.desc, parts.join("\n") + "\n");
}

/** Bars per category (one per series, side by side) around a zero line. */
export function barChartSvg(o: {
  title: string;
  desc: string;
  xLabel: string;
  yLabel: string;
  categories: string[];
  series: Series[];
}): string {
  const values = o.series.flatMap((s) => s.values);
  const top = Math.max(1, ...values) * 1.15;
  const bottom = Math.min(-1, ...values) * 1.15;
  const py = (y: number) => M.top + 24 + ((top - y) / (top - bottom)) * (H - M.top - 24 - M.bottom);
  const band = (W - M.left - M.right) / o.categories.length;
  const bar = (band * 0.8) / o.series.length;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = bottom + ((top - bottom) * i) / 4;
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/><text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`,
    );
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(0)}" y2="${py(0)}" stroke="#444"/>`);
  o.categories.forEach((c, i) => {
    const x0 = M.left + i * band + band * 0.1;
    o.series.forEach((s, j) => {
      const v = s.values[i];
      const [y1, y2] = [py(Math.max(v, 0)), py(Math.min(v, 0))];
      parts.push(
        `<rect x="${(x0 + j * bar).toFixed(1)}" y="${y1.toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${Math.max(0.5, y2 - y1).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name}, ${c}: ${fmt(v)}`)}</title></rect>`,
      );
    });
    parts.push(`<text x="${(x0 + band * 0.4).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(c)}</text>`);
  });
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(legend(o.series));
  return frame(o.title, o.desc, parts.join("\n") + "\n");
}
