// "This glob matches no file": a warning where the glob is written, from any host that can list
// files (the editor's workspace, the CLI's working folder). It cannot be part of checkPrompt, which
// reads no folder; hosts add it to checkPrompt's diagnostics. A run with such a glob fails (a
// RetrievalError), so the warning says so before it happens.
import type { CheckedPrompt } from '../../check/checkPrompt';
import type { PromptDiagnostic } from '../../diagnostics';

/** Whether `glob` matches at least one file; hosts answer from their folder. */
export type MatchesAny = (glob: string) => Promise<boolean>;

export async function unmatchedGlobDiagnostics(checked: CheckedPrompt, folder: string, matchesAny: MatchesAny): Promise<PromptDiagnostic[]> {
  const spans = checked.frontmatter.retrieveFrom;
  const frontmatter = checked.source.frontmatter;
  if (!spans || !frontmatter) return [];
  const diagnostics: PromptDiagnostic[] = [];
  for (const span of spans) {
    if (await matchesAny(span.glob)) continue;
    diagnostics.push({
      range: checked.source.lines.range(frontmatter.start + span.start, frontmatter.start + span.end),
      severity: 'warning',
      code: 'retrieve-no-match',
      message: `The glob '${span.glob}' matches no file in ${folder}: a run would fail. Globs are relative to that folder, e.g. "docs/**/*.md".`,
    });
  }
  return diagnostics;
}
