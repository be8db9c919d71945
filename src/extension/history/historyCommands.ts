// The History view's commands. Each takes the view's element (menus, inline buttons) or a record id
// (scripts, tests), and resolves to what it did, so tests can drive them without clicking.
// - Open: a run shows in the panel's run view as it ended, a comparison in its grid (export and copy
//   work on it), an eval in its matrix (export works on it); another kind opens as its JSON.
// - Compare Two Records: the two selected, or the one clicked and one picked: the panel's record
//   comparison (prompt sent as a word diff, settings, completions side by side with word diffs).
// - Rerun with the same seeds: a comparison through Compare… with its axes, samples, base seed and
//   inputs; a run through Run Prompt with its inputs.
import * as vscode from 'vscode';
import type { ComparisonRecord } from '../../core/comparison';
import type { Feedback, RunRecord, SavedRecord } from '../../core/history/types';
import { compareRecords, type RecordComparisonView } from '../../core/recordComparison';
import { Commands } from '../commands';
import type { ComparisonSessions } from '../compare/comparisonSessions';
import type { EvalRecord } from '../../core/eval';
import type { EvalSessions } from '../eval/evalSessions';
import { DisposableStore } from '../disposables';
import { PromptLabPanel } from '../panel/promptLabPanel';
import type { HistoryService } from './historyService';
import { describeEntry, HISTORY_VIEW_ID, HistoryView, type HistoryElement } from './historyView';

export interface HistoryCommandDependencies {
  extensionUri: vscode.Uri;
  history: HistoryService;
  sessions: ComparisonSessions;
  evals: EvalSessions;
}

/** A record id from a view element or a string. */
function idOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  const element = target as HistoryElement | undefined;
  return element?.type === 'record' ? element.entry.id : undefined;
}

async function recordOf(history: HistoryService, target: unknown): Promise<SavedRecord> {
  const id = idOf(target);
  if (id === undefined) throw new Error('choose a record in the History view first');
  const record = await history.get(id);
  if (!record) throw new Error(`record ${id} is no longer in the history`);
  return record;
}

/** Shows a record in the panel as it was. */
export async function openRecord(deps: HistoryCommandDependencies, record: SavedRecord): Promise<'run' | 'comparison' | 'eval' | 'json'> {
  if (record.kind === 'run') {
    const run = record as RunRecord;
    PromptLabPanel.show(deps.extensionUri);
    PromptLabPanel.postRun('run/started', { id: run.id, fileName: run.prompt.fileName, backend: run.backend, model: run.model });
    PromptLabPanel.postRun('run/finished', { id: run.id, result: run.result });
    return 'run';
  }
  if (record.kind === 'comparison') {
    PromptLabPanel.show(deps.extensionUri);
    deps.sessions.open(record as unknown as ComparisonRecord);
    return 'comparison';
  }
  if (record.kind === 'eval' && Array.isArray((record as { cells?: unknown }).cells) && Array.isArray((record as { tests?: unknown }).tests)) {
    PromptLabPanel.show(deps.extensionUri);
    deps.evals.open(record as unknown as EvalRecord);
    return 'eval';
  }
  const file = await deps.history.fileOf(record.id);
  if (file) await vscode.window.showTextDocument(file, { preview: true });
  return 'json';
}

export function registerHistoryView(deps: HistoryCommandDependencies): vscode.Disposable {
  const store = new DisposableStore();
  const { history } = deps;
  const view = store.add(new HistoryView(history));
  const tree = store.add(vscode.window.createTreeView(HISTORY_VIEW_ID, { treeDataProvider: view, canSelectMany: true, showCollapseAll: true }));
  const command = (id: string, run: (...args: unknown[]) => Promise<unknown>) => store.add(vscode.commands.registerCommand(id, (...args: unknown[]) =>
    run(...args).catch((error: unknown) => {
      void vscode.window.showErrorMessage(`Prompt Lab: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    })));

  command(Commands.historyRefresh, async () => view.refresh());
  command(Commands.historyList, async () => (await history.list()).map(({ store: _store, ...entry }) => entry));
  command(Commands.historySetFeedback, async (id, completion, feedback) => {
    if (typeof id !== 'string' || typeof completion !== 'string' || typeof feedback !== 'object' || feedback === null) throw new Error('setFeedback takes (recordId, completion, feedback)');
    return (await history.setFeedback(id, completion, feedback as Feedback)).feedback ?? {};
  });
  command(Commands.historyOpen, async (target) => openRecord(deps, await recordOf(history, target ?? tree.selection[0])));
  command(Commands.historyCompareRecords, async (first, selected): Promise<RecordComparisonView | undefined> => {
    // From the view: (clicked, all selected). From a script: two ids.
    let ids = Array.isArray(selected) ? selected.map(idOf) : [idOf(first), idOf(selected)];
    if (first === undefined && selected === undefined) ids = tree.selection.map(idOf);
    let wanted = [...new Set(ids.filter((id): id is string => id !== undefined))];
    if (wanted.length > 2) throw new Error('select two records to compare, not more');
    if (wanted.length < 2) {
      const others = (await history.list()).filter((entry) => !wanted.includes(entry.id));
      const picked = await vscode.window.showQuickPick(others.map((entry) => {
        const described = describeEntry(entry);
        return { label: `${entry.promptName || '(no prompt file)'} · ${described.label}`, description: described.description, id: entry.id };
      }), { title: wanted.length === 0 ? 'Compare Two Records' : 'Compare with…', placeHolder: 'Choose a record', canPickMany: wanted.length === 0 });
      if (!picked) return undefined;
      wanted = [...wanted, ...(Array.isArray(picked) ? picked : [picked]).map((item) => item.id)];
      if (wanted.length !== 2) throw new Error('choose exactly two records to compare');
    }
    const [left, right] = await Promise.all(wanted.map((id) => recordOf(history, id)));
    // Older on the left: the diff reads as what changed since.
    const [older, newer] = left!.createdAt <= right!.createdAt ? [left!, right!] : [right!, left!];
    const comparison = compareRecords(older, newer);
    PromptLabPanel.showRecords(deps.extensionUri, comparison);
    return comparison;
  });
  command(Commands.historyRerun, async (target) => {
    const record = await recordOf(history, target ?? tree.selection[0]);
    const file = (record as { prompt?: { file?: unknown } }).prompt?.file;
    if (typeof file !== 'string' || file === '') throw new Error('this record has no prompt file to run again');
    const uri = vscode.Uri.parse(file, true);
    const input = (record as { inputs?: Record<string, unknown> }).inputs;
    if (record.kind === 'comparison') {
      const comparison = record as unknown as ComparisonRecord;
      return vscode.commands.executeCommand(Commands.compare, uri, { axes: comparison.axes, samples: comparison.samples, seed: comparison.seeds[0], ...(input ? { input } : {}) });
    }
    if (record.kind === 'run') return vscode.commands.executeCommand(Commands.runPrompt, uri, input ? { input } : {});
    throw new Error(`a ${record.kind} record is rerun from its own command`);
  });
  command(Commands.historyDelete, async (target, selected) => {
    const ids = (Array.isArray(selected) && selected.length > 0 ? selected : [target ?? tree.selection[0]]).map(idOf).filter((id): id is string => id !== undefined);
    if (ids.length === 0) throw new Error('choose a record in the History view first');
    // A script passing ids has decided; a click is asked once.
    if (typeof target !== 'string') {
      const go = 'Delete';
      const answer = await vscode.window.showWarningMessage(`Delete ${ids.length === 1 ? 'this record' : `${ids.length} records`} from the history? Its ratings go with it.`, { modal: true }, go);
      if (answer !== go) return false;
    }
    for (const id of ids) await history.delete(id);
    return true;
  });
  command(Commands.historyRevealJson, async (target) => {
    const id = idOf(target ?? tree.selection[0]);
    const file = id === undefined ? undefined : await history.fileOf(id);
    if (!file) throw new Error('choose a record in the History view first');
    await vscode.window.showTextDocument(file, { preview: true });
    return file;
  });
  return store;
}
