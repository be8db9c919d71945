// Datasets (`story.tests.yaml|yml|json|jsonl|csv` beside `story.prompt`) get language features like
// the prompts they test: diagnostics from core's datasetProblems (the dataset's own problems, and
// each test's vars against the prompt's input schema) and, in YAML, completions of assertion types
// and of the prompt's input names under `vars:`. A dataset is checked again when its prompt changes.
import * as vscode from 'vscode';
import { datasetCompletionSite, datasetProblems, isDatasetFile, promptFileForDataset } from '../../core/datasetLanguage';
import type { DatasetProblem } from '../../core/eval';
import { ASSERTION_TYPES } from '../../core/eval';
import { declaredInputs } from '../../core/inputSchema';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import { DisposableStore } from '../disposables';
import { DIAGNOSTIC_SOURCE } from '../language/diagnostics';
import { DocumentDiagnostics } from '../language/documentDiagnostics';
import type { PromptChecks } from '../language/promptChecks';
import { baseName } from '../language/promptDocuments';

/** Datasets by file name, whatever language VS Code gave them (yaml, json, plaintext, csv…). */
export const DATASET_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.tests.{yaml,yml,json,jsonl,csv}' },
  { scheme: 'untitled', pattern: '**/*.tests.{yaml,yml,json,jsonl,csv}' },
];

const VIEW_ONLY_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'review', 'pr']);

export function isDatasetDocument(document: vscode.TextDocument): boolean {
  return isDatasetFile(baseName(document.uri)) && !VIEW_ONLY_SCHEMES.has(document.uri.scheme);
}

/** The prompt a dataset belongs to: `story.prompt` in the same folder. */
export function promptUriForDataset(uri: vscode.Uri): vscode.Uri | undefined {
  const name = promptFileForDataset(baseName(uri));
  return name === undefined ? undefined : vscode.Uri.joinPath(uri, '..', name);
}

/** The prompt beside a dataset, checked; undefined when there is none. */
async function checkedPromptFor(checks: PromptChecks, dataset: vscode.Uri): Promise<CheckedPrompt | undefined> {
  const uri = promptUriForDataset(dataset);
  if (!uri || uri.scheme === 'untitled') return undefined;
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return checks.check(open);
  try {
    await vscode.workspace.fs.stat(uri);
    return await checks.check(await vscode.workspace.openTextDocument(uri));
  } catch {
    return undefined;
  }
}

function toDiagnostic(problem: DatasetProblem, document: vscode.TextDocument): vscode.Diagnostic {
  const start = new vscode.Position(problem.position.line, problem.position.character);
  // A problem is placed at a point: the squiggle covers the word there (or the rest of the line).
  const word = document.getWordRangeAtPosition(start, /[^\s:,"'\]}]+/);
  const end = word?.end ?? document.lineAt(Math.min(start.line, document.lineCount - 1)).range.end;
  const diagnostic = new vscode.Diagnostic(new vscode.Range(start, end.isAfter(start) ? end : start), problem.field ? `${problem.field}: ${problem.message}` : problem.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = 'dataset';
  return diagnostic;
}

/** Diagnostics of open eval datasets, checked against their prompt's input schema: a prompt's
 * edit checks its open datasets again. */
function datasetDiagnostics(checks: PromptChecks): DocumentDiagnostics {
  return new DocumentDiagnostics({
    name: 'promptLab.datasets',
    accepts: isDatasetDocument,
    onDidInvalidate: checks.onDidInvalidate,
    dependents: (prompt) => prompt.uri.path.endsWith('.prompt')
      ? vscode.workspace.textDocuments.filter((document) => isDatasetDocument(document) && promptUriForDataset(document.uri)?.toString() === prompt.uri.toString())
      : [],
    async compute(document) {
      const prompt = await checkedPromptFor(checks, document.uri);
      const problems = await datasetProblems(document.getText(), baseName(document.uri), prompt);
      return problems.map((problem) => toDiagnostic(problem, document));
    },
  });
}

const ASSERTION_DETAILS: Partial<Record<string, string>> = {
  'llm-rubric': 'model-graded: a judge checks the output against a rubric',
  factuality: 'model-graded: a judge compares the output with a reference answer',
  'answer-relevance': 'model-graded: is the output relevant to the question',
  'g-eval': 'model-graded: G-Eval score against criteria',
  javascript: 'an expression over output and vars (not in Restricted Mode)',
  levenshtein: 'edit distance to value, at most threshold',
  latency: 'milliseconds, at most threshold',
  cost: 'cost of the call, at most threshold',
};

/** Completions in YAML datasets: assertion types after `type:`, the prompt's inputs under `vars:`. */
export class DatasetCompletions implements vscode.CompletionItemProvider {
  constructor(private readonly checks: PromptChecks) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    if (!/\.tests\.ya?ml$/i.test(document.uri.path)) return undefined;
    const offset = document.offsetAt(position);
    const site = datasetCompletionSite(document.getText(), offset);
    if (!site) return undefined;
    const range = new vscode.Range(document.positionAt(site.start), position);
    if (site.kind === 'assertionType') {
      return ASSERTION_TYPES.flatMap((type, order) => [type, `not-${type}`].map((label, negated) => {
        const item = new vscode.CompletionItem(label, vscode.CompletionItemKind.EnumMember);
        item.range = range;
        item.detail = negated ? `assertion: not ${type}` : `assertion${ASSERTION_DETAILS[type] ? `: ${ASSERTION_DETAILS[type]}` : ''}`;
        item.sortText = `${negated}${String(order).padStart(3, '0')}`;
        return item;
      }));
    }
    const prompt = await checkedPromptFor(this.checks, document.uri);
    if (!prompt) return undefined;
    return declaredInputs(prompt.frontmatter).filter((field) => !site.existing.includes(field.name)).map((field) => {
      const item = new vscode.CompletionItem(field.name, vscode.CompletionItemKind.Variable);
      item.range = range;
      item.detail = `${field.optional ? 'optional ' : ''}input${field.type ? ` (${field.type})` : ''}`;
      if (field.description) item.documentation = field.description;
      item.insertText = `${field.name}: `;
      return item;
    });
  }
}

export function registerDatasetFeatures(checks: PromptChecks): vscode.Disposable {
  const store = new DisposableStore();
  store.add(datasetDiagnostics(checks));
  store.add(vscode.languages.registerCompletionItemProvider(DATASET_SELECTOR, new DatasetCompletions(checks), ':', ' '));
  return store;
}
