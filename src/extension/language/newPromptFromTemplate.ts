// "Prompt Lab: New Prompt from Template…": pick one of the prompts shipped in the extension's
// `prompts/` folder. From the palette it opens as a new untitled prompt (nothing is written until
// the user saves; Save proposes the template's file name); from the Explorer's context menu on a
// folder it asks for a file name and creates the file there.
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { PROMPT_FILE_EXTENSION } from '../../core/promptFiles';
import { readPromptSource } from '../../core/promptSource';
import { Commands } from '../commands';

export interface PromptTemplate {
  /** The file name without `.prompt`, e.g. `summarize-dialogue`. */
  name: string;
  description?: string;
  text: string;
}

/** What a keybinding or script may pass to skip the picker: `{ "template": "summarize-dialogue" }`. */
export interface NewPromptArguments {
  template?: string;
}

export async function readTemplateLibrary(extensionUri: vscode.Uri): Promise<PromptTemplate[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'prompts');
  const entries = await vscode.workspace.fs.readDirectory(folder);
  const names = entries
    .filter(([fileName, type]) => (type & vscode.FileType.File) && fileName.endsWith(PROMPT_FILE_EXTENSION) && !fileName.startsWith('_'))
    .map(([fileName]) => fileName)
    .sort();
  return Promise.all(names.map(async (fileName) => {
    const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, fileName)));
    const description = descriptionOf(text);
    return { name: fileName.slice(0, -PROMPT_FILE_EXTENSION.length), text, ...(description ? { description } : {}) };
  }));
}

/** The frontmatter's `description:`, if it has one that reads. */
function descriptionOf(text: string): string | undefined {
  const frontmatter = readPromptSource(text).frontmatter;
  if (!frontmatter) return undefined;
  try {
    const data = parse(frontmatter.text) as { description?: unknown } | null;
    return typeof data?.description === 'string' ? data.description : undefined;
  } catch {
    return undefined;
  }
}

export function registerNewPromptFromTemplate(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.newPromptFromTemplate, async (target?: vscode.Uri | NewPromptArguments) => {
    const library = await readTemplateLibrary(extensionUri);
    const wanted = target instanceof vscode.Uri ? undefined : target?.template;
    const template = wanted !== undefined ? library.find((entry) => entry.name === wanted) : await pickTemplate(library);
    if (!template) {
      if (wanted !== undefined) void vscode.window.showErrorMessage(`Prompt Lab has no template named '${wanted}'.`);
      return undefined;
    }
    const document = target instanceof vscode.Uri ? await createInFolder(target, template) : await openUntitled(template);
    if (document) await vscode.window.showTextDocument(document);
    return document?.uri;
  });
}

async function pickTemplate(library: PromptTemplate[]): Promise<PromptTemplate | undefined> {
  const picked = await vscode.window.showQuickPick(
    library.map((template) => ({ label: template.name, detail: template.description, template })),
    { title: 'New Prompt from Template', placeHolder: 'Choose a template to start from', matchOnDetail: true },
  );
  return picked?.template;
}

async function openUntitled(template: PromptTemplate): Promise<vscode.TextDocument> {
  const open = new Set(vscode.workspace.textDocuments.map((document) => document.uri.toString()));
  let uri = vscode.Uri.from({ scheme: 'untitled', path: `${template.name}${PROMPT_FILE_EXTENSION}` });
  for (let n = 2; open.has(uri.toString()); n++) uri = vscode.Uri.from({ scheme: 'untitled', path: `${template.name}-${n}${PROMPT_FILE_EXTENSION}` });
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), template.text);
  await vscode.workspace.applyEdit(edit);
  return document;
}

async function createInFolder(folder: vscode.Uri, template: PromptTemplate): Promise<vscode.TextDocument | undefined> {
  const exists = async (name: string) => vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, name)).then(() => true, () => false);
  const fileName = await vscode.window.showInputBox({
    title: `New Prompt from '${template.name}'`,
    prompt: `File name in ${vscode.workspace.asRelativePath(folder, true)}`,
    value: `${template.name}${PROMPT_FILE_EXTENSION}`,
    valueSelection: [0, template.name.length],
    validateInput: async (value) => {
      if (!/^[^\\/:*?"<>|]+\.prompt$/.test(value)) return 'A file name ending in .prompt, without folders.';
      return (await exists(value)) ? `${value} already exists.` : undefined;
    },
  });
  if (!fileName) return undefined;
  const uri = vscode.Uri.joinPath(folder, fileName);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(template.text));
  return vscode.workspace.openTextDocument(uri);
}
