import * as vscode from 'vscode';
import { DOTPROMPT_LANGUAGE_ID } from '../../core/promptFiles';
import {
  dispatch,
  EVAL_EXPORT_FORMATS,
  EXPORT_FORMATS,
  type CompletionFeedback,
  FEEDBACK_TEXT_LIMIT,
  type EvalExportFormat,
  type ExportFormat,
  isWebviewMessage,
  PROTOCOL_VERSION,
  type Handlers,
  type HostMessage,
  type HostToWebview,
  type WebviewToHost,
} from '../../shared/protocol';
import { DisposableStore } from '../disposables';
import { probabilityHandlers } from '../probabilities/probabilityHandlers';
import type { ProbabilityDependencies } from '../probabilities/probabilityRequests';
import { openPassage } from '../trace/openPassage';
import { createNonce, renderPanelHtml } from './panelHtml';
import { snapshotOf } from './promptSnapshot';
import type { RenderedPromptView } from '../../core/renderedPromptView';

/** The webview panel's view type; also named in `activationEvents` (`onWebviewPanel:`). */
export const PANEL_VIEW_TYPE = 'promptLab.panel';

/** What the panel's buttons do, wired once at activation (runs and comparisons live elsewhere). */
export interface PanelActions {
  abortRun(id: string): void;
  stopComparison(id: string, cell?: number): void;
  rerunColumn(id: string, column: number): void;
  exportComparison(id: string, format: ExportFormat): void;
  copyCell(id: string, cell: number): void;
  /** The comparison the panel should show after its document was (re)loaded, as it is now, and
   * whether it started in Restricted Mode. */
  currentComparison(): Omit<HostToWebview['compare/started'], 'resumed'> | undefined;
  stopEval(id: string, cell?: number): void;
  rerunFailed(id: string): void;
  exportEval(id: string, format: EvalExportFormat): void;
  /** The eval the panel should show after its document was (re)loaded, as it is now (and how it started). */
  currentEval(): Omit<HostToWebview['eval/started'], 'resumed'> | undefined;
  /** What answers the probability views' requests (absent: they say so). */
  probabilities?: ProbabilityDependencies;
}

const NO_ACTIONS: PanelActions = {
  abortRun: () => undefined, stopComparison: () => undefined, rerunColumn: () => undefined,
  exportComparison: () => undefined, copyCell: () => undefined, currentComparison: () => undefined,
  stopEval: () => undefined, rerunFailed: () => undefined, exportEval: () => undefined, currentEval: () => undefined,
};

/** The feedback controls' host side (history/panelFeedback.ts): each resolves to the record's
 * feedback as saved, or rejects with a message for the user. */
export interface PanelFeedback {
  rate(recordId: string, completion: string, rating: 'up' | 'down' | null): Promise<Record<string, CompletionFeedback>>;
  annotate(recordId: string, completion: string, note: string, betterAnswer: string): Promise<Record<string, CompletionFeedback>>;
  /** Undefined when the record is not in the history (not saved yet, or history is off). */
  load(recordId: string): Promise<Record<string, CompletionFeedback> | undefined>;
}

const NO_FEEDBACK: PanelFeedback = {
  rate: () => Promise.reject(new Error('history is not available')),
  annotate: () => Promise.reject(new Error('history is not available')),
  load: () => Promise.resolve(undefined),
};

const isShortText = (value: unknown): value is string => typeof value === 'string' && value.length <= FEEDBACK_TEXT_LIMIT;

type StreamedType = 'run/started' | 'run/token' | 'run/finished' | 'compare/started' | 'compare/update' | 'eval/started' | 'eval/update';

/** The host side of the Prompt Lab panel: one instance at most, shown beside the editor. */
export class PromptLabPanel implements vscode.Disposable {
  private static current: PromptLabPanel | undefined;
  static actions: PanelActions = NO_ACTIONS;
  static feedback: PanelFeedback = NO_FEEDBACK;
  /** The active prompt rendered with its defaults, parts marked and counted (set by the language
   * features, which count it for the status bar too), or why it cannot be. When the view says its
   * tokens are loading (a local model's), `later` gets the view with them. */
  static renderedPrompt: (document: vscode.TextDocument, later?: (view: RenderedPromptView) => void) => Promise<RenderedPromptView | string> = async () => 'the prompt is not rendered here';

  private readonly disposables = new DisposableStore();
  /** Nothing is posted before the webview's `webview/ready`: earlier messages would be lost. */
  private ready = false;
  /** Run messages posted before `webview/ready` (a run that opened the panel): sent after `panel/init`. */
  private readonly queued: HostMessage[] = [];
  /** Renderings asked for (sendRendered): a late local view of an older one is dropped. */
  private renderings = 0;
  /** The last `prompt/rendered` payloads sent, for the test hook (Commands.renderedPromptPosted). */
  private readonly postedRendered: HostToWebview['prompt/rendered'][] = [];

  /** The open panel's last `prompt/rendered` payloads, oldest first (none when no panel is open). */
  static postedRenderings(): HostToWebview['prompt/rendered'][] {
    return [...(PromptLabPanel.current?.postedRendered ?? [])];
  }

  /** Opens the panel beside the active editor, or reveals it if it is already open. */
  static show(extensionUri: vscode.Uri): PromptLabPanel {
    if (PromptLabPanel.current) {
      // Shown again in its own group: "beside" is relative to the active group, and when that is the
      // panel's own (the user clicked into it), every run moved the panel to a new group. Only when it
      // shares the prompt editor's group, where it would cover the prompt, does it move beside.
      const { panel } = PromptLabPanel.current;
      const sharesEditorGroup = panel.viewColumn !== undefined && panel.viewColumn === vscode.window.activeTextEditor?.viewColumn;
      panel.reveal(sharesEditorGroup ? vscode.ViewColumn.Beside : panel.viewColumn, true);
      return PromptLabPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Prompt Lab',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      PromptLabPanel.webviewOptions(extensionUri),
    );
    return new PromptLabPanel(panel, extensionUri);
  }

  /** Adopts a panel VS Code re-created after a window reload. The webview gets back the state it
   * saved through its own `getState()`, so the host only has to serve the document again. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): PromptLabPanel {
    PromptLabPanel.current?.dispose();
    panel.webview.options = PromptLabPanel.webviewOptions(extensionUri);
    return new PromptLabPanel(panel, extensionUri);
  }

  /** Posts a run's or a comparison's message to the open panel, if there is one (closing the panel
   * stops neither). */
  static postRun<K extends StreamedType>(type: K, payload: HostToWebview[K]): void {
    const panel = PromptLabPanel.current;
    if (!panel) return;
    const message = { type, payload } as HostMessage;
    if (panel.ready) void panel.panel.webview.postMessage(message);
    // A comparison is sent whole when the webview is ready again (see 'webview/ready'): its updates
    // need not wait. Bounded: a panel that never becomes ready must not hold a whole run forever.
    else if (!type.startsWith('compare/') && !type.startsWith('eval/') && panel.queued.length < 2_000) panel.queued.push(message);
  }

  static disposeCurrent(): void {
    PromptLabPanel.current?.dispose();
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      // Only the bundled webview code may be loaded: not the workspace, not the rest of the extension.
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    PromptLabPanel.current = this;
    const { webview } = panel;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const assets = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'panel.css')).toString(),
    });

    this.disposables.add(webview.onDidReceiveMessage((message: unknown) => {
      // The webview is ours, but it renders untrusted text: accept only well-formed messages.
      if (isWebviewMessage(message)) dispatch(this.handlers, message);
    }));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    // Without retainContextWhenHidden, VS Code destroys a hidden webview's document and loads it
    // again when the panel shows: messages posted in between would be lost. Until the new document
    // says `webview/ready`, run messages wait in the queue (it restores the rest from its state).
    this.disposables.add(panel.onDidChangeViewState(({ webviewPanel }) => {
      if (!webviewPanel.visible) this.ready = false;
    }));
    this.disposables.add(vscode.window.onDidChangeActiveTextEditor((editor) => this.showPromptOf(editor?.document)));
    this.disposables.add(vscode.workspace.onDidSaveTextDocument((document) => {
      if (document === vscode.window.activeTextEditor?.document) this.showPromptOf(document);
    }));
  }

  private readonly handlers: Handlers<WebviewToHost> = {
    'webview/ready': ({ protocolVersion }) => {
      if (protocolVersion !== PROTOCOL_VERSION) {
        // Cannot happen with one bundle; guards against a stale webview cached across an update.
        void vscode.window.showWarningMessage('Prompt Lab: the panel is out of date. Close it and open it again.');
        return;
      }
      // The webview's saved state may lag behind what it was sent before VS Code unloaded it; the
      // host's record is the truth, so the comparison is sent as it stands (updates follow). It is
      // taken before the panel is ready again: the updates it flushes, which the record holds, are
      // not posted ahead of it to a page that would append them to its older copy (the page also
      // ignores updates until it has the host's record).
      const comparison = PromptLabPanel.actions.currentComparison();
      this.ready = true;
      const active = this.activePrompt();
      this.post('panel/init', { active: active && snapshotOf(active) });
      if (active) this.sendRendered(active);
      for (const message of this.queued.splice(0)) void this.panel.webview.postMessage(message);
      if (comparison) this.post('compare/started', { ...comparison, resumed: true });
      const evaluation = PromptLabPanel.actions.currentEval();
      if (evaluation) this.post('eval/started', { ...evaluation, resumed: true });
    },
    'run/abort': ({ id }) => {
      if (typeof id === 'string') PromptLabPanel.actions.abortRun(id);
    },
    'compare/stop': ({ id, cell }) => {
      if (typeof id === 'string' && (cell === undefined || Number.isInteger(cell))) PromptLabPanel.actions.stopComparison(id, cell);
    },
    'compare/rerunColumn': ({ id, column }) => {
      if (typeof id === 'string' && Number.isInteger(column)) PromptLabPanel.actions.rerunColumn(id, column);
    },
    'compare/export': ({ id, format }) => {
      if (typeof id === 'string' && EXPORT_FORMATS.includes(format)) PromptLabPanel.actions.exportComparison(id, format);
    },
    'compare/copyCell': ({ id, cell }) => {
      if (typeof id === 'string' && Number.isInteger(cell)) PromptLabPanel.actions.copyCell(id, cell);
    },
    'feedback/rate': ({ recordId, completion, rating }) => {
      if (!isShortText(recordId) || !isShortText(completion) || (rating !== null && rating !== 'up' && rating !== 'down')) return;
      this.answerFeedback(recordId, completion, PromptLabPanel.feedback.rate(recordId, completion, rating));
    },
    'feedback/annotate': ({ recordId, completion, note, betterAnswer }) => {
      if (!isShortText(recordId) || !isShortText(completion) || !isShortText(note) || !isShortText(betterAnswer)) return;
      this.answerFeedback(recordId, completion, PromptLabPanel.feedback.annotate(recordId, completion, note, betterAnswer));
    },
    'feedback/load': ({ recordIds }) => {
      if (!Array.isArray(recordIds)) return;
      for (const recordId of recordIds.slice(0, 20).filter(isShortText)) {
        void PromptLabPanel.feedback.load(recordId).then((feedback) => {
          if (feedback) this.post('feedback/show', { recordId, feedback });
        }, () => undefined);
      }
    },
    'eval/stop': ({ id, cell }) => {
      if (typeof id === 'string' && (cell === undefined || Number.isInteger(cell))) PromptLabPanel.actions.stopEval(id, cell);
    },
    'eval/rerunFailed': ({ id }) => {
      if (typeof id === 'string') PromptLabPanel.actions.rerunFailed(id);
    },
    'eval/export': ({ id, format }) => {
      if (typeof id === 'string' && EVAL_EXPORT_FORMATS.includes(format)) PromptLabPanel.actions.exportEval(id, format);
    },
    'trace/openPassage': (request) => {
      void openPassage(request, this.editorColumn()).then(
        (outcome) => 'refused' in outcome && void vscode.window.showWarningMessage(`Prompt Lab: ${outcome.refused}.`),
        (error: unknown) => void vscode.window.showWarningMessage(`Prompt Lab: the passage's file could not be opened: ${error instanceof Error ? error.message : String(error)}`),
      );
    },
    ...probabilityHandlers(() => PromptLabPanel.actions.probabilities, (replyTo, type, payload) => this.post(type, payload, replyTo)),
  };

  /** Posts the saved feedback, or why it could not be saved, when `saving` settles. */
  private answerFeedback(recordId: string, completion: string, saving: Promise<Record<string, CompletionFeedback>>): void {
    saving.then(
      (feedback) => this.post('feedback/show', { recordId, feedback }),
      (error: unknown) => this.post('feedback/failed', { recordId, completion, message: `Not saved: ${error instanceof Error ? error.message : String(error)}` }),
    );
  }

  /** Shows two history records side by side (History → Compare Two Records). */
  static showRecords(extensionUri: vscode.Uri, view: HostToWebview['records/show']['view']): void {
    const panel = PromptLabPanel.show(extensionUri);
    if (panel.ready) panel.post('records/show', { view });
    else panel.queued.push({ type: 'records/show', payload: { view } } as HostMessage);
  }

  /** Where a file opened from the panel goes: beside the panel, not over it (the editor the user
   * works in, else the first column, or a new one when the panel is in the first). */
  private editorColumn(): vscode.ViewColumn {
    const panelColumn = this.panel.viewColumn;
    const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.viewColumn !== undefined && candidate.viewColumn !== panelColumn);
    if (editor?.viewColumn !== undefined) return editor.viewColumn;
    return panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
  }

  private activePrompt(): vscode.TextDocument | undefined {
    const document = vscode.window.activeTextEditor?.document;
    return document?.languageId === DOTPROMPT_LANGUAGE_ID ? document : undefined;
  }

  private showPromptOf(document: vscode.TextDocument | undefined): void {
    if (document?.languageId !== DOTPROMPT_LANGUAGE_ID) return;
    this.post('prompt/show', { prompt: snapshotOf(document) });
    this.sendRendered(document);
  }

  /** Renders and counts `document` (the count the status bar shares), then sends it to the panel;
   * a local model's tokens follow in a second message when they come (the first says they are
   * loading), unless another rendering was asked for meanwhile. */
  private sendRendered(document: vscode.TextDocument): void {
    const uri = document.uri.toString();
    const asked = ++this.renderings;
    let first: Promise<void> = Promise.resolve();
    const later = (rendered: RenderedPromptView) => void first.then(() => {
      if (asked === this.renderings) this.post('prompt/rendered', { uri, rendered });
    });
    first = PromptLabPanel.renderedPrompt(document, later).then(
      (rendered) => this.post('prompt/rendered', typeof rendered === 'string' ? { uri, problem: rendered } : { uri, rendered }),
      (error: unknown) => this.post('prompt/rendered', { uri, problem: error instanceof Error ? error.message : String(error) }),
    );
  }

  private post<K extends keyof HostToWebview>(type: K, payload: HostToWebview[K], replyTo?: string): void {
    if (!this.ready) return;
    if (type === 'prompt/rendered') {
      this.postedRendered.push(payload as HostToWebview['prompt/rendered']);
      if (this.postedRendered.length > 20) this.postedRendered.shift();
    }
    const message = { type, payload, ...(typeof replyTo === 'string' ? { replyTo } : {}) } as HostMessage;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (PromptLabPanel.current === this) PromptLabPanel.current = undefined;
    this.disposables.dispose();
    this.panel.dispose();
  }
}
