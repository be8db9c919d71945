// Run and Compare have their commands (the CodeLens, the palette) before they have their features:
// until the backends and the comparison panel land, they say so instead of doing nothing.
import * as vscode from 'vscode';
import { Commands } from '../commands';

export function registerPendingCommands(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.runPrompt, () =>
      vscode.window.showInformationMessage('Prompt Lab: running a prompt arrives with the model backends (OpenAI, Azure OpenAI, local GGUF); this version checks, renders and counts prompts but cannot run them yet.')),
    vscode.commands.registerCommand(Commands.compareTemperatures, () =>
      vscode.window.showInformationMessage('Prompt Lab: comparing temperatures arrives with the backends and the comparison grid; this version cannot run prompts yet.')),
  ];
}
