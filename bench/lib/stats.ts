/** Small helpers for the bench's figures and tables. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0..100), nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** "min / median / max" of the runs, each formatted; one value alone when there was one run. */
export function spread(values: number[], format: (n: number) => string): string {
  if (values.length === 0) return "–";
  if (values.length === 1) return format(values[0]!);
  return `${format(Math.min(...values))} / ${format(median(values))} / ${format(Math.max(...values))}`;
}

export const seconds = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
export const megabytes = (mb: number) => `${mb.toFixed(0)} MB`;
export const thousands = (n: number) => n.toLocaleString("en-US");
export const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
export const ratio = (x: number) => `${x.toFixed(2)}×`;

/** A Markdown table: it reads as a table in a terminal and pastes into the README as one. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
