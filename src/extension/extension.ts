import * as vscode from 'vscode';
import { Commands } from './commands';
import { registerLanguageFeatures } from './language';
import { registerPanelSerializer } from './panel/panelSerializer';
import { PromptLabPanel } from './panel/promptLabPanel';

export function activate(context: vscode.ExtensionContext): void {
  const { extensionUri } = context;
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openPanel, () => {
      PromptLabPanel.show(extensionUri);
    }),
    registerPanelSerializer(extensionUri),
    { dispose: () => PromptLabPanel.disposeCurrent() },
    registerLanguageFeatures(extensionUri),
  );
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
