// The `search` and `lookup` tools of a ReAct agent, as in the ReAct paper's Wikipedia API: `search`
// ranks the prompt's `promptlab.retrieve` files (through the Retriever the engine gives) and returns
// the best passages with where they come from; `lookup[term]` returns the sentences of the last
// search result that contain the term, like Ctrl+F on the page the agent has open.
import type { Passage, Retriever } from '../trace';

/** Passages a search returns. */
export const SEARCH_TOP = 3;

/** Where a passage comes from, as a reader can open it: `docs/moon.md:12-18`. */
export const passagePlace = (passage: Passage) =>
  `${passage.file}:${passage.startLine}${passage.endLine !== passage.startLine ? `-${passage.endLine}` : ''}`;

export async function search(retriever: Retriever | undefined, query: string, signal?: AbortSignal): Promise<{ text: string; passages: Passage[] }> {
  if (!retriever) {
    throw new Error('search has no files to search: this prompt has no promptlab.retrieve (add one, e.g. promptlab.retrieve: { from: "docs/**/*.md" })');
  }
  if (!query.trim()) throw new Error('search needs a query, e.g. search[Hubble Space Telescope]');
  const passages = await retriever(query.trim(), SEARCH_TOP, signal);
  if (passages.length === 0) return { text: `No passage matches '${query.trim()}'.`, passages };
  const text = passages.map((passage, index) => `[${index + 1}] ${passagePlace(passage)}\n${passage.text.trim()}`).join('\n\n');
  return { text, passages };
}

/** Sentence ends: a period, question or exclamation mark followed by space, or a blank line. A
 * mark followed by anything else is inside the sentence: "2.4 metres", "e.g.,", "v1.2". */
const SENTENCE = /(?:[^.!?\n]|[.!?](?!\s|$))+(?:[.!?]+(?=\s|$)|\n\s*\n|$)/g;

export function sentencesOf(text: string): string[] {
  return text.split(/\n\s*\n/).flatMap((paragraph) => paragraph.replace(/\s+/g, ' ').match(SENTENCE) ?? []).map((s) => s.trim()).filter(Boolean);
}

export function lookup(last: Passage[] | undefined, term: string): string {
  const wanted = term.trim();
  if (!wanted) throw new Error('lookup needs a term, e.g. lookup[launched]');
  if (!last) throw new Error('lookup searches the last search result: search first');
  const needle = wanted.toLowerCase();
  const found = last.flatMap((passage) => sentencesOf(passage.text)
    .filter((sentence) => sentence.toLowerCase().includes(needle))
    .map((sentence) => `${passagePlace(passage)}: ${sentence}`));
  if (found.length === 0) return `No sentence of the last search result contains '${wanted}'.`;
  return found.map((line, index) => `(Result ${index + 1} / ${found.length}) ${line}`).join('\n');
}
