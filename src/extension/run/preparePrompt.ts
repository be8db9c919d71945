// What Run Prompt and Compare do before anything is sent: find the document, check it, ask for
// missing inputs, render, and pick the backend and model. Each way of stopping tells the user why
// (with an action where there is one) and comes back as `{ notRun: reason }`.
import * as vscode from 'vscode';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import { InputError, renderChecked, type RenderResult } from '../../core/render';
import type { BackendService } from '../backends/backendService';
import { runTargetOf, type RunTarget } from '../backends/runTarget';
import type { PromptChecks } from '../language/promptChecks';
import { baseName, isPromptDocument } from '../language/promptDocuments';
import { settingId } from '../settings';
import { completeInputs } from './promptInputs';
import { localModelProblem, offerModelPath } from './runReport';

export interface PreparedPrompt {
  document: vscode.TextDocument;
  fileName: string;
  checked: CheckedPrompt;
  /** The inputs as given and asked for (before defaults and before examples are cut to `shots`). */
  input: Record<string, unknown>;
  rendered: RenderResult;
  target: Required<RunTarget>;
}

export type Preparation = PreparedPrompt | { notRun: string };

export interface PrepareDependencies {
  checks: PromptChecks;
  backends: BackendService;
}

/** The prompt at `uri`, or the active editor's; undefined when it is neither open nor readable. */
async function documentFor(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
  if (!uri) return vscode.window.activeTextEditor?.document;
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
}

export async function preparePrompt(deps: PrepareDependencies, uri: vscode.Uri | undefined, given: Record<string, unknown> | undefined): Promise<Preparation> {
  const document = await documentFor(uri);
  if (!document || !isPromptDocument(document)) {
    void vscode.window.showInformationMessage('Prompt Lab: open a .prompt file to run it.');
    return { notRun: 'no prompt' };
  }
  const fileName = baseName(document.uri);
  const checked = await deps.checks.check(document);
  if (!checked.ok) {
    const errors = checked.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
    const show = 'Show Problems';
    void vscode.window.showErrorMessage(`Prompt Lab: ${fileName} has ${errors === 1 ? 'an error' : `${errors} errors`}; fix ${errors === 1 ? 'it' : 'them'} before running.`, show).then((answer) => {
      if (answer === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return { notRun: 'the prompt has errors' };
  }
  const input = await completeInputs(document.uri.toString(), checked, given);
  if (!input) return { notRun: 'cancelled' };
  let rendered: RenderResult;
  try {
    rendered = await renderChecked(checked, { input });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    void vscode.window.showErrorMessage(`Prompt Lab: ${fileName}: ${error.message}`);
    return { notRun: error.message };
  }
  const target = runTargetOf(deps.backends, rendered.model ?? checked.frontmatter.model);
  const problem = targetProblem(deps.backends, target, fileName);
  if (problem) return { notRun: problem };
  return { document, fileName, checked, input, rendered, target: target as Required<RunTarget> };
}

/** Why `target` cannot run, after telling the user (with the action that fixes it): its backend is
 * not configured, or it is a local backend without a model. `subject` is what would run on it
 * (`story.prompt`, `the model column 'gpt-4o'`). Undefined when it can run. */
export function targetProblem(backends: BackendService, target: RunTarget, subject: string): string | undefined {
  if (!target.config) {
    const open = 'Open Settings';
    void vscode.window.showErrorMessage(`Prompt Lab: ${subject} runs on backend '${target.backendId}', which is not configured. Configured: ${backends.registry.list().map((config) => config.id).join(', ')}.`, open).then((answer) => {
      if (answer === open) void vscode.commands.executeCommand('workbench.action.openSettings', settingId('backends'));
    });
    return `no backend '${target.backendId}'`;
  }
  const modelProblem = localModelProblem(target.config);
  if (modelProblem) {
    void offerModelPath(modelProblem);
    return modelProblem;
  }
  return undefined;
}
