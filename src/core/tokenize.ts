export interface Token {
  value: string;
  /** Quoted tokens are never read as a keyword or enum value: `target add "Offer Labs"`. */
  quoted: boolean;
}

const QUOTES: Record<string, string> = { '"': '"', "“": "”", "„": "“", "«": "»" };

/**
 * Splits a command line on whitespace, keeping "double-quoted phrases" (straight or the curly
 * quotes Slack and phones insert) as one token. An unclosed quote runs to the end of the line.
 */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const close = QUOTES[ch];
    if (close) {
      const end = line.indexOf(close, i + 1);
      const stop = end === -1 ? line.length : end;
      tokens.push({ value: line.slice(i + 1, stop).trim(), quoted: true });
      i = stop + 1;
      continue;
    }
    let j = i;
    while (j < line.length && !/\s/.test(line[j]!)) j++;
    tokens.push({ value: line.slice(i, j), quoted: false });
    i = j;
  }
  return tokens.filter((t) => t.value.length > 0 || t.quoted);
}
