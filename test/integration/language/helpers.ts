// Shared by the language feature suites (not a test file itself: it does not end in .test.ts).
import * as vscode from 'vscode';

export const workspaceUri = (...path: string[]): vscode.Uri => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, ...path);

/** Polls `probe` until it returns something truthy; fails with the last value seen. */
export async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value) return value;
    last = value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function openPrompt(...path: string[]): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(...path));
  return vscode.window.showTextDocument(document);
}

/** An untitled dotprompt document with `content` (never shown, so never asks to be saved). */
export function untitledPrompt(content: string): Thenable<vscode.TextDocument> {
  return vscode.workspace.openTextDocument({ language: 'dotprompt', content });
}

/** VS Code for the Web (code-server, where these tests run offline) saves edited files after a
 * second by default (`files.autoSave: afterDelay`): a test that edits a fixture and then waits or
 * fails would write its edit into test/fixtures. Suites that edit workspace files call this in
 * `before` and the returned function in `after`. It changes the test instance's user settings only. */
export async function keepEditsInMemory(): Promise<() => Thenable<void>> {
  const files = vscode.workspace.getConfiguration('files');
  const previous = files.inspect<string>('autoSave')?.globalValue;
  await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  return () => vscode.workspace.getConfiguration('files').update('autoSave', previous, vscode.ConfigurationTarget.Global);
}

/** Replaces the first occurrence of `from` in the document with `to`. */
export async function replaceText(document: vscode.TextDocument, from: string, to: string): Promise<void> {
  const offset = document.getText().indexOf(from);
  if (offset === -1) throw new Error(`'${from}' is not in ${document.uri.toString()}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(offset), document.positionAt(offset + from.length)), to);
  if (!await vscode.workspace.applyEdit(edit)) throw new Error('the edit was not applied');
}

/** The position just after the first occurrence of `text` (plus `delta` characters). */
export function positionAfter(document: vscode.TextDocument, text: string, delta = 0): vscode.Position {
  const offset = document.getText().indexOf(text);
  if (offset === -1) throw new Error(`'${text}' is not in ${document.uri.toString()}`);
  return document.positionAt(offset + text.length + delta);
}

/** Undoes unsaved edits of a workspace file and closes its editors, without a save prompt. */
export async function revertAndClose(document: vscode.TextDocument): Promise<void> {
  if (document.isClosed) return;
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

export const hoverText = (hovers: vscode.Hover[]): string =>
  hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n');

/** Mocha hooks for a suite that edits workspace files: edits stay in memory (keepEditsInMemory),
 * and the documents the tests push into the returned list are reverted and closed after each test. */
export function editedDocuments(): vscode.TextDocument[] {
  const touched: vscode.TextDocument[] = [];
  let restoreAutoSave: () => Thenable<void>;
  before(async () => {
    restoreAutoSave = await keepEditsInMemory();
  });
  after(() => restoreAutoSave());
  afterEach(async () => {
    for (const document of touched.splice(0)) await revertAndClose(document);
  });
  return touched;
}
