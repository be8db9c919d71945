// What each column of a comparison runs, in the editor: its backend and model (under a `model`
// axis, each value resolved as Run Prompt resolves a prompt's `model:`) and its prompt (under a
// `variant` axis, each value's own file beside the prompt, checked and rendered with the same
// inputs). All of it is settled before any cell runs: a column that cannot run stops the comparison
// with the message Run Prompt would give, naming the value or the file.
import * as vscode from 'vscode';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import { columnsOf, variantOf, type Axis } from '../../core/compare';
import { variantFileName, variantsAmong } from '../../core/promptFiles';
import { InputError, renderChecked, type RenderResult } from '../../core/render';
import type { BackendService } from '../backends/backendService';
import type { OutputLog } from '../backends/outputLog';
import { runTargetOf, type RunTarget } from '../backends/runTarget';
import type { PromptChecks } from '../language/promptChecks';
import { targetProblem, type PreparedPrompt } from '../run/preparePrompt';

export interface ColumnRun {
  target: Required<RunTarget>;
  checked: CheckedPrompt;
  rendered: RenderResult;
}

export interface ColumnRuns {
  /** In column order. */
  runs: ColumnRun[];
  /** Where a `model` axis value runs, for the record's columns. */
  targetOf(modelId: string): { backend: string; model: string };
}

export interface ColumnDependencies {
  checks: PromptChecks;
  backends: BackendService;
  log: OutputLog;
}

/** The folder a saved prompt is in; undefined for an untitled one (it has no neighbours). */
const folderOf = (uri: vscode.Uri): vscode.Uri | undefined => (uri.scheme === 'untitled' ? undefined : vscode.Uri.joinPath(uri, '..'));

/** The variants beside the prompt (`story.formal.prompt` → `formal`); none when it cannot be read. */
export async function variantsBeside(prepared: PreparedPrompt): Promise<string[]> {
  const folder = folderOf(prepared.document.uri);
  if (!folder) return [];
  try {
    const entries = await vscode.workspace.fs.readDirectory(folder);
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

/** A variant's file, checked and rendered with the prompt's inputs; why not, once the user was told. */
async function variantPrompt(deps: ColumnDependencies, prepared: PreparedPrompt, variant: string): Promise<{ checked: CheckedPrompt; rendered: RenderResult } | { notRun: string }> {
  const fileName = variantFileName(prepared.fileName, variant);
  const folder = folderOf(prepared.document.uri);
  const stop = (message: string, ...actions: string[]) => {
    void vscode.window.showErrorMessage(`Prompt Lab: ${message}`, ...actions).then((answer) => {
      if (answer === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return { notRun: message };
  };
  if (!folder) return stop(`the variant '${variant}' needs ${fileName} beside the prompt; save ${prepared.fileName} first.`);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, fileName));
  } catch {
    return stop(`the variant '${variant}' has no file ${fileName} beside ${prepared.fileName}.`);
  }
  const checked = await deps.checks.check(document);
  if (!checked.ok) {
    const errors = checked.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
    return stop(`the variant file ${fileName} has ${errors === 1 ? 'an error' : `${errors} errors`}; fix ${errors === 1 ? 'it' : 'them'} before comparing.`, 'Show Problems');
  }
  try {
    const rendered = await renderChecked(checked, { input: prepared.input });
    // A variant's own `model:` does not move its column: the comparison's backend (or a model axis) does.
    if (rendered.model !== undefined && rendered.model !== prepared.rendered.model) {
      deps.log.line(`comparison: variant '${variant}' names model '${rendered.model}'; its column runs on the comparison's backend`);
    }
    return { checked, rendered };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return stop(`the variant file ${fileName}: ${error.message}`);
  }
}

/** Every column's target and prompt, or why the comparison cannot run (the user was told). */
export async function columnRunsOf(deps: ColumnDependencies, prepared: PreparedPrompt, axes: readonly Axis[]): Promise<ColumnRuns | { notRun: string }> {
  const columns = columnsOf(axes);
  const targets = new Map<string, Required<RunTarget>>();
  const prompts = new Map<string, { checked: CheckedPrompt; rendered: RenderResult }>();
  for (const column of columns) {
    if (column.model !== undefined && !targets.has(column.model)) {
      const target = runTargetOf(deps.backends, column.model);
      const problem = targetProblem(deps.backends, target, `the model column '${column.model}'`);
      if (problem) return { notRun: problem };
      targets.set(column.model, target as Required<RunTarget>);
    }
    const variant = variantOf(column);
    if (variant !== undefined && !prompts.has(variant)) {
      const prompt = await variantPrompt(deps, prepared, variant);
      if ('notRun' in prompt) return prompt;
      prompts.set(variant, prompt);
    }
  }
  const runs = columns.map((column) => {
    const variant = variantOf(column);
    return {
      target: column.model === undefined ? prepared.target : targets.get(column.model)!,
      ...(variant === undefined ? { checked: prepared.checked, rendered: prepared.rendered } : prompts.get(variant)!),
    };
  });
  return {
    runs,
    targetOf: (modelId) => {
      const target = targets.get(modelId)!;
      return { backend: target.backendId, model: target.model };
    },
  };
}
