/**
 * "Did you mean" for words people mistype: commands (`gaol`, `targt`), subcommands and choices
 * (`interview` for `interviewing`).
 */

/** Edits between two words, counting a swap of two neighbouring letters as one ("gaol" → "goal"). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The one candidate a typed word most likely meant: a word it starts (at least 3 letters:
 * "interview" → "interviewing"), a word it starts with ("offerz" → "offer"), or one within a few
 * edits (about one per three letters). Undefined when nothing is close or two are equally close.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const word = typed.trim().toLowerCase();
  if (!word || candidates.includes(word)) return undefined;
  if (word.length >= 3) {
    const started = candidates.filter((c) => c.startsWith(word));
    if (started.length === 1) return started[0];
    const within = candidates.filter((c) => c.length >= 3 && word.startsWith(c));
    if (within.length === 1) return within[0];
  }
  let best: { candidate: string; distance: number; tied: boolean } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (!best || distance < best.distance) best = { candidate, distance, tied: false };
    else if (distance === best.distance) best.tied = true;
  }
  if (!best || best.tied) return undefined;
  return best.distance <= Math.max(1, Math.floor(best.candidate.length / 3)) ? best.candidate : undefined;
}
