import * as vscode from 'vscode';
import { DOTPROMPT_LANGUAGE_ID } from '../../core/promptFiles';
import {
  dispatch,
  isWebviewMessage,
  PROTOCOL_VERSION,
  type Handlers,
  type HostMessage,
  type HostToWebview,
  type WebviewToHost,
} from '../../shared/protocol';
import { DisposableStore } from '../disposables';
import { createNonce, renderPanelHtml } from './panelHtml';
import { snapshotOf } from './promptSnapshot';

/** The webview panel's view type; also named in `activationEvents` (`onWebviewPanel:`). */
export const PANEL_VIEW_TYPE = 'promptLab.panel';

/** The host side of the Prompt Lab panel: one instance at most, shown beside the editor. */
export class PromptLabPanel implements vscode.Disposable {
  private static current: PromptLabPanel | undefined;

  private readonly disposables = new DisposableStore();
  /** Nothing is posted before the webview's `webview/ready`: earlier messages would be lost. */
  private ready = false;

  /** Opens the panel beside the active editor, or reveals it if it is already open. */
  static show(extensionUri: vscode.Uri): PromptLabPanel {
    if (PromptLabPanel.current) {
      PromptLabPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
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
      this.ready = true;
      const active = this.activePrompt();
      this.post('panel/init', { active: active && snapshotOf(active) });
    },
  };

  private activePrompt(): vscode.TextDocument | undefined {
    const document = vscode.window.activeTextEditor?.document;
    return document?.languageId === DOTPROMPT_LANGUAGE_ID ? document : undefined;
  }

  private showPromptOf(document: vscode.TextDocument | undefined): void {
    if (document?.languageId === DOTPROMPT_LANGUAGE_ID) this.post('prompt/show', { prompt: snapshotOf(document) });
  }

  private post<K extends keyof HostToWebview>(type: K, payload: HostToWebview[K]): void {
    if (!this.ready) return;
    const message = { type, payload } as HostMessage;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (PromptLabPanel.current === this) PromptLabPanel.current = undefined;
    this.disposables.dispose();
    this.panel.dispose();
  }
}
