// A word-level diff of two completions, for the comparison grid's diff mode. Pure (no DOM) so tests
// can run it in Node. Texts are split into words and whitespace; only the words are compared (a
// changed line break is not a change of wording), and each word keeps the whitespace after it, so
// the `same` and `insert` parts, joined, give back the `after` text exactly.
//
// The alignment is the longest common subsequence of the words, by dynamic programming over the
// part that differs (common prefix and suffix are cut first). That table costs `n × m`: past
// `maxCells` (two very different texts of a few thousand words each) the middle is shown as one
// deletion and one insertion instead, and the result says it was simplified.

export type DiffKind = 'same' | 'insert' | 'delete';

export interface DiffPart {
  kind: DiffKind;
  /** Words with the whitespace that follows them: the `after` text's for `same` and `insert`,
   * the `before` text's for `delete`. */
  text: string;
}

export interface WordDiff {
  parts: DiffPart[];
  /** Words only in `after`, and only in `before`. */
  inserted: number;
  deleted: number;
  /** True when the texts were too long to align word by word. */
  simplified: boolean;
}

/** About 2,000 × 2,000 words: a 8 MB table and a few tens of milliseconds. */
export const DEFAULT_MAX_CELLS = 4_000_000;

/** Words and the whitespace between them, in order: joined, they give back `text`. */
export function tokenizeWords(text: string): string[] {
  return text.match(/\s+|\S+/g) ?? [];
}

interface Word {
  word: string;
  /** The word and the whitespace after it. */
  text: string;
}

/** Leading whitespace, then each word with its trailing whitespace. */
function words(text: string): { lead: string; words: Word[] } {
  const tokens = tokenizeWords(text);
  let lead = '';
  const result: Word[] = [];
  for (const token of tokens) {
    if (/^\s/.test(token)) {
      const last = result.at(-1);
      if (last) last.text += token;
      else lead += token;
    } else {
      result.push({ word: token, text: token });
    }
  }
  return { lead, words: result };
}

export function wordDiff(before: string, after: string, maxCells = DEFAULT_MAX_CELLS): WordDiff {
  const a = words(before).words;
  const { lead, words: b } = words(after);
  const parts: DiffPart[] = [];
  const push = (kind: DiffKind, text: string) => {
    if (text === '') return;
    const last = parts.at(-1);
    // A deletion after the new text's last word (which has no space after it) would run into it.
    if (kind === 'delete' && last && last.kind !== 'delete' && !/\s$/.test(last.text)) text = ` ${text}`;
    // And the old text's last word, deleted, would run into what follows it (`was` + `said`). The
    // space goes into the deletion: the kept and inserted parts stay exactly the new text.
    if (kind !== 'delete' && last?.kind === 'delete' && !/\s$/.test(last.text)) last.text += ' ';
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  push('same', lead);

  let start = 0;
  while (start < a.length && start < b.length && a[start]!.word === b[start]!.word) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1]!.word === b[endB - 1]!.word) { endA--; endB--; }

  for (let i = 0; i < start; i++) push('same', b[i]!.text);
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  // The table's entries are 16-bit: the LCS (at most the shorter side) must stay below 65,536.
  const simplified = middleA.length * middleB.length > maxCells || Math.min(middleA.length, middleB.length) > 65_535;
  const middle = simplified ? [
    ...middleA.map((word) => ({ kind: 'delete' as const, text: word.text })),
    ...middleB.map((word) => ({ kind: 'insert' as const, text: word.text })),
  ] : alignWords(middleA, middleB);
  let inserted = 0;
  let deleted = 0;
  for (const part of middle) {
    if (part.kind === 'insert') inserted++;
    if (part.kind === 'delete') deleted++;
    push(part.kind, part.text);
  }
  for (let j = endB; j < b.length; j++) push('same', b[j]!.text);
  return { parts, inserted, deleted, simplified };
}

/** One part per word, by the longest common subsequence; in a changed stretch deletions come
 * before insertions, which reads as "this, replaced by that". */
function alignWords(a: readonly Word[], b: readonly Word[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  // Words as small integers, so the inner loop compares numbers, not strings.
  const ids = new Map<string, number>();
  const id = (word: string) => ids.get(word) ?? ids.set(word, ids.size).get(word)!;
  const x = Int32Array.from(a, (word) => id(word.word));
  const y = Int32Array.from(b, (word) => id(word.word));
  // lcs[i * (m + 1) + j]: the LCS length of a[i..] and b[j..], at most min(n, m) (checked above).
  const width = m + 1;
  const lcs = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = x[i] === y[j]
        ? lcs[(i + 1) * width + j + 1]! + 1
        : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      parts.push({ kind: 'same', text: b[j]!.text });
      i++; j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      parts.push({ kind: 'delete', text: a[i++]!.text });
    } else {
      parts.push({ kind: 'insert', text: b[j++]!.text });
    }
  }
  while (i < n) parts.push({ kind: 'delete', text: a[i++]!.text });
  while (j < m) parts.push({ kind: 'insert', text: b[j++]!.text });
  return parts;
}
