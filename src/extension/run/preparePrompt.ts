// What Run Prompt and Compare do before anything is sent: find the document, then the engine loads
// and checks it, the user is asked for missing inputs, and the engine renders it and picks the
// backend and model. Each way of stopping tells the user why (with an action where there is one)
// and comes back as `{ notRun: reason }`.
import * as vscode from 'vscode';
import type { EngineHost } from '../../engine/host';
import type { EngineProblem } from '../../engine/problems';
import { loadPrompt, placePrompt, renderLoaded, type PreparedPrompt as EnginePrepared } from '../../engine/prompt';
import { isPromptDocument } from '../language/promptDocuments';
import { settingId } from '../settings';
import { completeInputs } from './promptInputs';
import { offerModelPath } from './runReport';

export interface PreparedPrompt extends EnginePrepared {
  document: vscode.TextDocument;
}

export type Preparation = PreparedPrompt | { notRun: string };

export interface PrepareDependencies {
  engine: EngineHost;
}

/** The prompt at `uri`, or the active editor's; undefined when it is neither open nor readable. */
async function documentFor(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
  if (!uri) return vscode.window.activeTextEditor?.document;
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
}

const showProblems = (answer: string | undefined) => {
  if (answer === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
};

/** Tells the user why the engine will not run something, with the action that fixes it; returns the
 * reason a command's caller gets. `doing` is what the user asked for ("running", "comparing"). */
export function showProblem(problem: EngineProblem, doing = 'running'): string {
  switch (problem.kind) {
    case 'prompt-broken': {
      const errors = problem.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
      void vscode.window.showErrorMessage(`Prompt Lab: ${problem.message}; fix ${errors === 1 ? 'it' : 'them'} before ${doing}.`, 'Show Problems').then(showProblems);
      return 'the prompt has errors';
    }
    case 'input':
    case 'render':
      void vscode.window.showErrorMessage(`Prompt Lab: ${problem.fileName}: ${problem.message}`);
      return problem.message;
    case 'no-backend': {
      const open = 'Open Settings';
      void vscode.window.showErrorMessage(`Prompt Lab: ${problem.message}.`, open).then((answer) => {
        if (answer === open) void vscode.commands.executeCommand('workbench.action.openSettings', settingId('backends'));
      });
      return `no backend '${problem.backend}'`;
    }
    case 'no-local-model':
      void offerModelPath(problem.message);
      return problem.message;
    case 'variant-broken': {
      const { cause } = problem;
      if (cause.kind !== 'prompt-broken') {
        void vscode.window.showErrorMessage(`Prompt Lab: ${problem.message}`);
        return problem.message;
      }
      const errors = cause.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
      const message = `${problem.message}; fix ${errors === 1 ? 'it' : 'them'} before ${doing}.`;
      void vscode.window.showErrorMessage(`Prompt Lab: ${message}`, 'Show Problems').then(showProblems);
      return message;
    }
    case 'variant-missing':
    case 'no-prompt': {
      const message = `${problem.message}.`;
      void vscode.window.showErrorMessage(`Prompt Lab: ${message}`);
      return message;
    }
  }
}

export async function preparePrompt(deps: PrepareDependencies, uri: vscode.Uri | undefined, given: Record<string, unknown> | undefined): Promise<Preparation> {
  const document = await documentFor(uri);
  if (!document || !isPromptDocument(document)) {
    void vscode.window.showInformationMessage('Prompt Lab: open a .prompt file to run it.');
    return { notRun: 'no prompt' };
  }
  const loaded = await loadPrompt(deps.engine, document.uri.toString());
  if ('problem' in loaded) return { notRun: showProblem(loaded.problem) };
  const input = await completeInputs(document.uri.toString(), loaded.checked, given);
  if (!input) return { notRun: 'cancelled' };
  const rendered = await renderLoaded(deps.engine, loaded, { input });
  if ('problem' in rendered) return { notRun: showProblem(rendered.problem) };
  const prepared = placePrompt(deps.engine, rendered);
  if ('problem' in prepared) return { notRun: showProblem(prepared.problem) };
  return { ...prepared, document };
}
