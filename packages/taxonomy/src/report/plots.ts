/** Level colours shared by the plots and the page (L0 … L3). */
export const LEVEL_COLORS = ['#1f5fa8', '#2e8b57', '#c07a12', '#8e44ad'] as const;

export function escapeXml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A "nice" axis maximum (1, 2 or 5 times a power of ten) at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export interface StackedBarChartOptions {
  title: string;
  /** One label per bar (x axis). */
  categories: ReadonlyArray<string>;
  /** One series per stack layer; `values[i]` belongs to `categories[i]`. */
  series: ReadonlyArray<{ name: string; color: string; values: ReadonlyArray<number> }>;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Draw the series legend (default: when there is more than one series). */
  legend?: boolean;
}

/**
 * A vertical (stacked) bar chart as inline SVG: axis with four gridlines, the total above each bar,
 * a legend when there is more than one series. Pure and deterministic (fixed number formatting).
 */
export function stackedBarChart(options: StackedBarChartOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 280;
  const margin = { top: 34, right: 16, bottom: 52, left: 52 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const totals = options.categories.map((_, i) => options.series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const y = (v: number) => margin.top + plotH - (v / max) * plotH;
  const band = plotW / Math.max(1, options.categories.length);
  const barW = Math.max(4, band * 0.68);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.title)}" class="plot">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<text x="${margin.left}" y="18" class="plot-title">${escapeXml(options.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const v = (max / 4) * i;
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`,
      `<text x="${margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" class="tick" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  options.categories.forEach((category, i) => {
    const x = margin.left + band * i + (band - barW) / 2;
    let base = 0;
    for (const s of options.series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const top = y(base + v);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${category}: ${s.name} ${fmt(v)}`)}</title></rect>`,
      );
      base += v;
    }
    parts.push(
      `<text x="${(x + barW / 2).toFixed(1)}" y="${(y(totals[i]!) - 5).toFixed(1)}" class="value" text-anchor="middle">${fmt(totals[i]!)}</text>`,
      `<text x="${(x + barW / 2).toFixed(1)}" y="${height - margin.bottom + 16}" class="tick" text-anchor="middle">${escapeXml(category)}</text>`,
    );
  });
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" class="axis"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 10}" class="axis-label" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  if (options.legend ?? options.series.length > 1) {
    let lx = width - margin.right;
    for (const s of [...options.series].reverse()) {
      lx -= 12 + s.name.length * 6.5 + 14;
      parts.push(`<rect x="${lx.toFixed(1)}" y="10" width="10" height="10" fill="${s.color}"/>`, `<text x="${(lx + 14).toFixed(1)}" y="19" class="tick">${escapeXml(s.name)}</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface HorizontalBarChartOptions {
  title: string;
  rows: ReadonlyArray<{ label: string; values: ReadonlyArray<number> }>;
  /** Names and colours of the bars drawn for each row (side by side). */
  series: ReadonlyArray<{ name: string; color: string }>;
  width?: number;
}

/** Horizontal grouped bars (one group per row): used for records and concepts per source. */
export function horizontalBarChart(options: HorizontalBarChartOptions): string {
  const width = options.width ?? 520;
  const labelW = 150;
  const barH = 11;
  const groupH = barH * options.series.length + 10;
  const top = 40;
  const height = top + groupH * options.rows.length + 24;
  const plotW = width - labelW - 60;
  const max = niceMax(Math.max(0, ...options.rows.flatMap((r) => r.values)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.title)}" class="plot">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<text x="8" y="18" class="plot-title">${escapeXml(options.title)}</text>`,
  ];
  let lx = 8;
  for (const s of options.series) {
    parts.push(`<rect x="${lx}" y="26" width="10" height="10" fill="${s.color}"/>`, `<text x="${lx + 14}" y="35" class="tick">${escapeXml(s.name)}</text>`);
    lx += 14 + s.name.length * 6.5 + 16;
  }
  options.rows.forEach((row, i) => {
    const gy = top + groupH * i;
    parts.push(`<text x="${labelW - 8}" y="${gy + (groupH - 10) / 2 + 8}" class="tick" text-anchor="end">${escapeXml(row.label)}</text>`);
    options.series.forEach((s, j) => {
      const v = row.values[j] ?? 0;
      const w = (v / max) * plotW;
      const by = gy + j * barH;
      parts.push(
        `<rect x="${labelW}" y="${by}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${s.color}"><title>${escapeXml(`${row.label}: ${s.name} ${fmt(v)}`)}</title></rect>`,
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${by + barH - 3}" class="value">${fmt(v)}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Bins of the "institutions per concept" histogram. */
export const INSTITUTION_BINS: ReadonlyArray<{ label: string; min: number; max: number }> = [
  { label: '1', min: 1, max: 1 },
  { label: '2', min: 2, max: 2 },
  { label: '3', min: 3, max: 3 },
  { label: '4', min: 4, max: 4 },
  { label: '5', min: 5, max: 5 },
  { label: '6–10', min: 6, max: 10 },
  { label: '11–20', min: 11, max: 20 },
  { label: '21+', min: 21, max: Number.POSITIVE_INFINITY },
];
