/**
 * CSV as RFC 4180 has it (CRLF line ends, fields with a comma, quote or line break in quotes, quotes
 * doubled), with a byte-order mark so spreadsheet programs read it as UTF-8. Text that a spreadsheet
 * would run as a formula (=, +, -, @, or a tab or carriage return first) gets a leading apostrophe:
 * a member's goal can't become `=HYPERLINK(...)` in an organiser's spreadsheet.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  const lines = [columns.map(field).join(","), ...rows.map((row) => columns.map((c) => field(row[c])).join(","))];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

function field(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
