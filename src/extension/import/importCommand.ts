// "Prompt Lab: Import Prompt…": a Prompty or GitHub Models file → a .prompt file (and its
// .tests.yaml dataset) beside it, opened. What could not be carried over is written to the Prompt
// Lab output with file:line:column, and a message says how much.
import * as vscode from 'vscode';
import { datasetFileFor } from '../../core/eval/dataset';
import { ConversionError, type ConversionResult } from '../../core/import/common';
import { importPrompty } from '../../core/import/prompty';
import { importPromptYml } from '../../core/import/promptYml';
import type { OutputLog } from '../backends/outputLog';
import { Commands } from '../commands';

const converterFor = (name: string): ((text: string, file: string) => ConversionResult) | undefined =>
  (/\.prompty$/i.test(name) ? importPrompty : /\.ya?ml$/i.test(name) ? importPromptYml : undefined);

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The command takes the file as an argument (the explorer, scripts, tests) or asks for it. Returns
 * the .prompt file written, or undefined when nothing was. */
export function registerImportCommand(log: OutputLog): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.importPrompt, async (given?: vscode.Uri): Promise<vscode.Uri | undefined> => {
    const source = given ?? (await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Import',
      title: 'Import a Prompty or GitHub Models prompt',
      filters: { 'Prompty and GitHub Models prompts': ['prompty', 'yml', 'yaml'] },
    }))?.[0];
    if (!source) return undefined;
    const name = source.path.replace(/^.*\//, '');
    const convert = converterFor(name);
    if (!convert) {
      void vscode.window.showErrorMessage(`Prompt Lab: ${name} is neither a .prompty nor a .prompt.yml file.`);
      return undefined;
    }
    const label = vscode.workspace.asRelativePath(source);
    let result: ConversionResult;
    try {
      result = convert(new TextDecoder().decode(await vscode.workspace.fs.readFile(source)), label);
    } catch (error) {
      void vscode.window.showErrorMessage(`Prompt Lab: ${error instanceof ConversionError ? error.message : `${label} could not be read: ${(error as Error).message}`}`);
      return undefined;
    }
    const base = name.replace(/\.prompty$/i, '').replace(/(\.prompt)?\.ya?ml$/i, '');
    const target = vscode.Uri.joinPath(source, '..', `${base}.prompt`);
    const dataset = result.dataset !== undefined ? vscode.Uri.joinPath(source, '..', datasetFileFor(`${base}.prompt`)) : undefined;
    const existing = [];
    for (const uri of [target, dataset]) if (uri && await exists(uri)) existing.push(vscode.workspace.asRelativePath(uri));
    if (existing.length > 0 && !given) {
      const replace = 'Replace';
      if (await vscode.window.showWarningMessage(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}. Replace?`, { modal: true }, replace) !== replace) return undefined;
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
    if (dataset) await vscode.workspace.fs.writeFile(dataset, new TextEncoder().encode(result.dataset!));
    log.line(`import: ${label} → ${vscode.workspace.asRelativePath(target)}${dataset ? ` and ${vscode.workspace.asRelativePath(dataset)}` : ''}`);
    for (const warning of result.warnings) log.line(`import: ${label}${warning.line ? `:${warning.line}:${warning.column ?? 1}` : ''}: not carried over: ${warning.message}`);
    await vscode.window.showTextDocument(target);
    if (result.warnings.length > 0) {
      const show = 'Show Details';
      void vscode.window.showWarningMessage(`Prompt Lab: imported ${label}; ${result.warnings.length} thing${result.warnings.length === 1 ? ' was' : 's were'} not carried over exactly.`, show).then((answer) => {
        if (answer === show) log.channel.show(true);
      });
    }
    return target;
  });
}
