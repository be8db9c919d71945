// What each column of a comparison runs, in the editor: the engine settles every column's backend,
// model and prompt (src/engine/columns.ts); here the model and variant choices the quick picks
// offer, and a column that cannot run told to the user with the message Run Prompt would give,
// naming the value or the file.
import * as vscode from 'vscode';
import type { Axis } from '../../core/compare';
import { variantsAmong } from '../../core/promptFiles';
import { columnRunsOf as engineColumnRuns, type ColumnRuns } from '../../engine/columns';
import type { EngineHost } from '../../engine/host';
import type { BackendService } from '../backends/backendService';
import { showProblem, type PreparedPrompt } from '../run/preparePrompt';

/** The variants beside the prompt (`story.formal.prompt` → `formal`); none when it cannot be read. */
export async function variantsBeside(prepared: PreparedPrompt): Promise<string[]> {
  const uri = prepared.document.uri;
  if (uri.scheme === 'untitled') return [];
  try {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(uri, '..'));
    return variantsAmong(prepared.fileName, entries.filter(([, type]) => type === vscode.FileType.File).map(([name]) => name));
  } catch {
    return [];
  }
}

/** The model ids a model axis offers: the prompt's own, then every other configured backend's. */
export function modelChoices(backends: BackendService, prepared: PreparedPrompt): string[] {
  const own = prepared.rendered.model ?? prepared.checked.frontmatter.model ?? prepared.target.backendId;
  const others = backends.registry.list().map((config) => config.id).filter((id) => id !== prepared.target.backendId);
  return [...new Set([own, ...others])];
}

/** Every column's target and prompt, or why the comparison cannot run (the user was told). */
export async function columnRunsOf(engine: EngineHost, prepared: PreparedPrompt, axes: readonly Axis[]): Promise<ColumnRuns | { notRun: string }> {
  const columns = await engineColumnRuns(engine, prepared, axes);
  if (!('problem' in columns)) return columns;
  const { problem } = columns;
  return { notRun: showProblem(problem.kind === 'no-backend' ? { ...problem, message: `the model column ${problem.message}` } : problem, 'comparing') };
}
