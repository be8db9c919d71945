// The History view of the Prompt Lab sidebar: every kept run, comparison and eval, grouped by prompt
// (the most recently used prompt first), newest first within a prompt. A record's row says what it
// was, when, on what, what varied and how it did (done count, pass rate, 👍/👎): the label and the
// description carry it all, and the accessibility label says it as a sentence. Only the most recent
// prompt's group starts open, and a group lists a page of records at a time behind "older records"
// nodes (core/history/viewGroups): 10,000 records never become 10,000 tree items at once.
import * as vscode from 'vscode';
import { historyGroups, historyPage } from '../../core/history/viewGroups';
import { DisposableStore } from '../disposables';
import type { HistoryService, ListedEntry } from './historyService';

export const HISTORY_VIEW_ID = 'promptLab.history';

export type HistoryElement =
  | { type: 'prompt'; key: string; name: string; entries: ListedEntry[]; expanded: boolean }
  | { type: 'older'; key: string; entries: ListedEntry[]; start: number; count: number }
  | { type: 'record'; entry: ListedEntry };

const KIND_ICONS: Record<string, string> = { run: 'play', comparison: 'split-horizontal', eval: 'checklist' };

/** `Dec 4, 16:03:12`: a record's time, in the user's locale. */
const timeOf = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
};

/** How the record did: `pass 75%`, `👍 2 👎 1`, `3/4 done`. */
export function outcomeOf(entry: ListedEntry): string {
  const parts: string[] = [];
  if (entry.passRate !== undefined) parts.push(`pass ${Math.round(entry.passRate * 100)}%`);
  if (entry.ratings.up + entry.ratings.down > 0) parts.push([entry.ratings.up > 0 ? `👍 ${entry.ratings.up}` : '', entry.ratings.down > 0 ? `👎 ${entry.ratings.down}` : ''].filter(Boolean).join(' '));
  if (entry.completions > 1 || entry.done < entry.completions) parts.push(entry.completions === 1 ? (entry.done === 1 ? 'done' : 'not done') : `${entry.done}/${entry.completions} done`);
  return parts.join(' · ');
}

export function describeEntry(entry: ListedEntry): { label: string; description: string; sentence: string; tooltip: string } {
  const target = `${entry.backend || 'unknown backend'}${entry.model ? `/${entry.model}` : ''}`;
  const varied = entry.varied.join(' · ');
  const outcome = outcomeOf(entry);
  const label = `${entry.kind} · ${timeOf(entry.createdAt)}`;
  const description = [target, varied, outcome].filter(Boolean).join(' · ');
  const ratings = entry.ratings.up + entry.ratings.down > 0 ? `, rated ${entry.ratings.up} good and ${entry.ratings.down} bad` : '';
  const sentence = `${entry.kind} of ${entry.promptName || 'no prompt file'} at ${timeOf(entry.createdAt)} on ${target}${varied ? `, varying ${varied}` : ''}${entry.passRate !== undefined ? `, pass rate ${Math.round(entry.passRate * 100)}%` : ''}${ratings}, ${entry.done} of ${entry.completions} completions done`;
  const tooltip = [`${entry.kind} ${entry.id}`, entry.promptFile || '(no prompt file)', timeOf(entry.createdAt), target, varied, outcome].filter(Boolean).join('\n');
  return { label, description, sentence, tooltip };
}

export class HistoryView implements vscode.TreeDataProvider<HistoryElement>, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changed = this.disposables.add(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly history: HistoryService) {
    // Saves come in bursts (a comparison's rerun, ratings clicked in a row): one refresh for them.
    this.disposables.add(history.onDidChange(() => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), 150);
    }));
    this.disposables.add(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('promptLab.history')) this.refresh();
    }));
    this.disposables.add({ dispose: () => clearTimeout(this.timer) });
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(element?: HistoryElement): Promise<HistoryElement[]> {
    if (element?.type === 'record') return [];
    if (element) return this.pageOf(element.key, element.entries, element.type === 'older' ? element.start : 0);
    return historyGroups(await this.history.list()).map((group) => ({ type: 'prompt', ...group }));
  }

  /** One page of a group's records, then the node that holds the older ones. */
  private pageOf(key: string, entries: ListedEntry[], start: number): HistoryElement[] {
    const page = historyPage(entries, start);
    const children: HistoryElement[] = page.records.map((entry) => ({ type: 'record', entry }));
    if (page.older) children.push({ type: 'older', key, entries, ...page.older });
    return children;
  }

  getTreeItem(element: HistoryElement): vscode.TreeItem {
    if (element.type === 'prompt') {
      const item = new vscode.TreeItem(element.name, element.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `prompt:${element.key}`;
      item.description = `${element.entries.length} record${element.entries.length === 1 ? '' : 's'}`;
      item.tooltip = element.key || 'Records without a prompt file';
      item.iconPath = new vscode.ThemeIcon('file-code');
      item.contextValue = 'historyPrompt';
      return item;
    }
    if (element.type === 'older') {
      const item = new vscode.TreeItem(`${element.count} older record${element.count === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `older:${element.key}:${element.start}`;
      item.tooltip = `Records ${element.start + 1} to ${element.start + element.count} of this prompt, oldest last`;
      item.iconPath = new vscode.ThemeIcon('history');
      item.contextValue = 'historyOlder';
      return item;
    }
    const { entry } = element;
    const described = describeEntry(entry);
    const item = new vscode.TreeItem(described.label, vscode.TreeItemCollapsibleState.None);
    item.id = `record:${entry.id}`;
    item.description = described.description;
    item.tooltip = described.tooltip;
    item.accessibilityInformation = { label: described.sentence };
    item.iconPath = new vscode.ThemeIcon(KIND_ICONS[entry.kind] ?? 'history');
    item.contextValue = 'historyRecord';
    item.command = { command: 'promptLab.history.open', title: 'Open Record in Panel', arguments: [element] };
    return item;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
