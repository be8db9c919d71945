// Compare has its command (the CodeLens, the palette) before it has its feature: until the
// comparison grid lands, it says so instead of doing nothing.
import * as vscode from 'vscode';
import { Commands } from '../commands';

export function registerPendingCommands(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.compareTemperatures, () =>
      vscode.window.showInformationMessage('Prompt Lab: comparing temperatures arrives with the comparison grid; until then use Run Prompt, once per temperature.')),
  ];
}
