import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, PromptLabPanel } from './promptLabPanel';

/** Brings the panel back after a window reload; its webview restores what it showed from the state
 * it saved with `setState` (see webview/src/main.ts). */
export function registerPanelSerializer(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
      PromptLabPanel.revive(panel, extensionUri);
    },
  });
}
