// The frontmatter's checks, remembered by its text. While someone types in the body, the
// frontmatter (often the bulk of a few-shot prompt: its examples live in input.default) does not
// change, and parsing 50 KB of YAML costs more than a frame.
import { checkFrontmatter, type FrontmatterInfo } from './frontmatter';
import { Recorder, type RecordedProblem } from './report';

export interface FrontmatterAnalysis {
  info: FrontmatterInfo;
  /** Offsets relative to the frontmatter's first character. */
  problems: readonly RecordedProblem[];
}

const LIMIT = 16;
const cache = new Map<string, FrontmatterAnalysis>();

/** The analysis of `yaml`. Callers share the result: treat it as read-only. */
export function analyzeFrontmatter(yaml: string): FrontmatterAnalysis {
  const hit = cache.get(yaml);
  if (hit) {
    // Most recently used last: Map keeps insertion order, so the first key is the oldest.
    cache.delete(yaml);
    cache.set(yaml, hit);
    return hit;
  }
  const recorder = new Recorder();
  const analysis = { info: checkFrontmatter(yaml, recorder), problems: recorder.problems };
  cache.set(yaml, analysis);
  if (cache.size > LIMIT) cache.delete(cache.keys().next().value!);
  return analysis;
}
