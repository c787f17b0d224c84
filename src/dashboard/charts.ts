import { html, type SafeHtml } from "./html.js";

/**
 * Charts drawn on the server as SVG: no script, nothing to download, readable in any browser and
 * in a screenshot. Colours come from the stylesheet (classes s0…s5, the Okabe–Ito palette, which
 * stays distinct for colour-blind readers), so the page's CSP needs no inline styles. Each chart is
 * an image with a title and a description; the numbers themselves are in a table beside it.
 */

export interface Series {
  label: string;
  values: number[];
}

const W = 520;
const H = 230;
const M = { top: 14, right: 10, bottom: 30, left: 36 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

/** Whole-number gridline steps (1, 2, 5 × 10ⁿ), at most five of them, up to at least `max`: counts have no halves. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = Math.max(1, max / 4);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (v >= max) break;
  }
  return ticks;
}

/** "2026-W47" reads as "W47" under a bar; the years are in the page's text and the tables. */
function shortLabels(labels: string[]): string[] {
  return labels.map((label) => label.split("-")[1] ?? label);
}

function frame(id: string, title: string, description: string, body: SafeHtml, labels: string[], top: number): SafeHtml {
  const ticks = niceTicks(top);
  const max = ticks.at(-1)!;
  const y = (v: number) => M.top + PLOT_H - (v / max) * PLOT_H;
  const band = PLOT_W / Math.max(1, labels.length);
  // At most ~13 labels along the axis: every week for a quarter, every fourth for a year.
  const every = Math.max(1, Math.ceil(labels.length / 13));
  const short = shortLabels(labels);
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false">
<title id="${id}-t">${title}</title><desc id="${id}-d">${description}</desc>
<g class="grid">${ticks.map((t) => html`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/><text class="tick" x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`)}</g>
<g class="axis">${short.map((label, i) =>
    // Counted back from the latest week, so the week under way always has its label.
    (labels.length - 1 - i) % every === 0
      ? html`<text class="tick" x="${(M.left + band * (i + 0.5)).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${label}</text>`
      : "",
  )}</g>
${body}
</svg>`;
}

function plotScale(top: number) {
  const max = niceTicks(top).at(-1)!;
  return (v: number) => M.top + PLOT_H - (v / max) * PLOT_H;
}

/** Bars per week, side by side when there are several series (goals set and met). */
export function barChart(id: string, title: string, labels: string[], series: Series[], unit: string): SafeHtml {
  const top = Math.max(0, ...series.flatMap((s) => s.values));
  const y = plotScale(top);
  const band = PLOT_W / Math.max(1, labels.length);
  const inner = band * 0.78;
  const width = inner / series.length;
  const bars = series.map((s, si) =>
    s.values.map((v, i) => {
      const x = M.left + band * i + (band - inner) / 2 + width * si;
      const h = Math.max(0, M.top + PLOT_H - y(v));
      return html`<rect class="bar s${si}" x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, width - 1).toFixed(1)}" height="${h.toFixed(1)}"><title>${labels[i]}: ${v} ${s.label.toLowerCase()}</title></rect>`;
    }),
  );
  return frame(id, title, describe(labels, series, unit), html`<g class="bars">${bars}</g>`, labels, top);
}

/** Bars per week with the series stacked (thanks by kind of help). */
export function stackedBarChart(id: string, title: string, labels: string[], series: Series[], unit: string): SafeHtml {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const top = Math.max(0, ...totals);
  const y = plotScale(top);
  const band = PLOT_W / Math.max(1, labels.length);
  const width = band * 0.7;
  const bars = labels.map((label, i) => {
    let base = 0;
    return series.map((s, si) => {
      const v = s.values[i] ?? 0;
      if (v === 0) return "";
      const y0 = y(base);
      base += v;
      const y1 = y(base);
      return html`<rect class="bar s${si}" x="${(M.left + band * i + (band - width) / 2).toFixed(1)}" y="${y1.toFixed(1)}" width="${width.toFixed(1)}" height="${Math.max(0, y0 - y1).toFixed(1)}"><title>${label}: ${v} ${s.label.toLowerCase()}</title></rect>`;
    });
  });
  return frame(id, title, describe(labels, series, unit), html`<g class="bars">${bars}</g>`, labels, top);
}

/** One line per series, a dot per week (introductions requested, accepted, met, hired). */
export function lineChart(id: string, title: string, labels: string[], series: Series[], unit: string): SafeHtml {
  const top = Math.max(0, ...series.flatMap((s) => s.values));
  const y = plotScale(top);
  const band = PLOT_W / Math.max(1, labels.length);
  const x = (i: number) => M.left + band * (i + 0.5);
  const lines = series.map((s, si) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    return html`<g class="series s${si}"><polyline class="line" points="${points}"/>${s.values.map(
      (v, i) => html`<circle class="dot" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3"><title>${labels[i]}: ${v} ${s.label.toLowerCase()}</title></circle>`,
    )}</g>`;
  });
  return frame(id, title, describe(labels, series, unit), html`${lines}`, labels, top);
}

/** Horizontal bars, one per row, with the value at the end (targets by stage). */
export function horizontalBars(id: string, title: string, rows: Array<{ label: string; value: number }>, unit: string): SafeHtml {
  const rowH = 34;
  const left = 110;
  const width = 520;
  const height = rows.length * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const description = `${title}: ${rows.map((r) => `${r.label} ${r.value}`).join(", ")} ${unit}.`;
  return html`<svg class="chart rows" viewBox="0 0 ${left + width + 60} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false">
<title id="${id}-t">${title}</title><desc id="${id}-d">${description}</desc>
${rows.map((r, i) => {
  const w = (r.value / max) * width;
  const yy = 4 + i * rowH;
  return html`<text class="label" x="${left - 8}" y="${yy + 20}" text-anchor="end">${r.label}</text><rect class="bar s${i % 6}" x="${left}" y="${yy + 4}" width="${Math.max(r.value > 0 ? 2 : 0, w).toFixed(1)}" height="${rowH - 10}"><title>${r.label}: ${r.value} ${unit}</title></rect><text class="value" x="${(left + w + 6).toFixed(1)}" y="${yy + 20}">${r.value}</text>`;
})}
</svg>`;
}

/** A sentence a screen reader can say instead of the picture: totals and the latest week. */
function describe(labels: string[], series: Series[], unit: string): string {
  if (labels.length === 0) return "No weeks to show.";
  const last = labels.length - 1;
  const parts = series.map((s) => `${s.label.toLowerCase()}: ${s.values.reduce((a, b) => a + b, 0)} in all, ${s.values[last] ?? 0} in ${labels[last]}`);
  return `${unit} per week from ${labels[0]} to ${labels[last]}. ${parts.join("; ")}.`;
}
