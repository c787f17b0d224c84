/**
 * Legal-form words dropped from the end of a company name, so "ACME, Inc.", "Acme Corp" and "acme"
 * are one company. Multi-word forms are matched as token sequences ("co ltd", "s a").
 */
const LEGAL_SUFFIXES: string[][] = [
  "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd", "limited",
  "gmbh", "ag", "kg", "se", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "plc", "pty", "pte", "pvt",
  "oy", "oyj", "ab", "asa", "kk", "sl", "gmbh co kg",
].map((s) => s.split(" "));

const LEADING_ARTICLES = new Set(["the"]);

/**
 * The key companies are matched by within a club. Case, accents, punctuation, "&" versus "and",
 * a trailing ".com", a leading "The" and legal suffixes do not make a different company; spaces
 * don't either ("JPMorgan" and "J.P. Morgan").
 */
export function normalizeCompanyName(name: string): string {
  let s = name.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().trim();
  s = s.replace(/\.com\b/g, "");
  s = s.replace(/&/g, " and ");
  // Dots and apostrophes join letters (J.P., McDonald's); other punctuation separates words.
  s = s.replace(/[.'’`]/g, "");
  s = s.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  let tokens = s.split(" ").filter(Boolean);
  const original = tokens;

  let stripped = true;
  while (stripped && tokens.length > 1) {
    stripped = false;
    for (const suffix of LEGAL_SUFFIXES) {
      if (suffix.length < tokens.length && suffix.every((w, i) => tokens[tokens.length - suffix.length + i] === w)) {
        tokens = tokens.slice(0, tokens.length - suffix.length);
        stripped = true;
        break;
      }
    }
    // "Johnson & Johnson and Co" leaves a dangling "and".
    if (tokens.length > 1 && tokens[tokens.length - 1] === "and") {
      tokens = tokens.slice(0, -1);
      stripped = true;
    }
  }
  if (tokens.length > 1 && LEADING_ARTICLES.has(tokens[0]!)) tokens = tokens.slice(1);
  const key = (tokens.length > 0 ? tokens : original).join("");
  return key;
}

/** A display name as typed, tidied: collapsed whitespace, no surrounding quotes. */
export function tidyCompanyName(name: string): string {
  return name.replace(/\s+/g, " ").trim();
}
