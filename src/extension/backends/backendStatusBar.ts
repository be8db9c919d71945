// The status bar item for dotprompt editors: the backend and model the active prompt runs on (its
// `model:`, else the default backend). Clicking it runs Select Backend.
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { DisposableStore } from '../disposables';
import type { PromptChecks } from '../language/promptChecks';
import { isPromptDocument } from '../language/promptDocuments';
import type { BackendService } from './backendService';
import { describeBackend, describeTarget, runTargetOf } from './runTarget';

export class BackendStatusBar implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly item = this.store.add(vscode.window.createStatusBarItem('promptLab.backend', vscode.StatusBarAlignment.Right, 101));
  private requests = 0;

  constructor(private readonly checks: PromptChecks, private readonly backends: BackendService) {
    this.item.name = 'Prompt Lab Backend';
    this.item.command = Commands.selectBackend;
    this.store.add(vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()));
    this.store.add(vscode.workspace.onDidSaveTextDocument(() => void this.refresh()));
    this.store.add(vscode.workspace.onDidOpenTextDocument(() => void this.refresh()));
    this.store.add(checks.onDidInvalidate(() => void this.refresh()));
    this.store.add(backends.onDidChange(() => void this.refresh()));
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    const request = ++this.requests;
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isPromptDocument(document)) {
      this.item.hide();
      return;
    }
    const checked = await this.checks.check(document);
    if (request !== this.requests) return;
    const target = runTargetOf(this.backends, checked.frontmatter.model);
    this.item.text = `$(server) ${describeTarget(target)}`;
    this.item.tooltip = target.config
      ? `Prompt Lab: runs on backend '${target.backendId}' (${describeBackend(target.config)}). Click to choose the default backend.`
      : `Prompt Lab: no backend '${target.backendId}' is configured (promptLab.backends). Click to choose one.`;
    this.item.backgroundColor = target.config ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.show();
  }

  dispose(): void {
    this.store.dispose();
  }
}
