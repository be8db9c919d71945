// The Prompts view of the Prompt Lab sidebar: the workspace's `.prompt` files, each with its variants
// under it, the partials apart, and the sample library shipped with the extension. A file's tree
// element is its Uri itself, so the inline Run and Compare buttons call the existing commands with
// the Uri they already take. Refreshed, debounced, when `.prompt` files are created or deleted.
import * as vscode from 'vscode';
import { promptCatalog, type CatalogFile, type PromptCatalog } from '../../core/promptCatalog';
import { PROMPT_FILE_EXTENSION } from '../../core/promptFiles';
import { DisposableStore } from '../disposables';

export const PROMPTS_VIEW_ID = 'promptLab.prompts';
/** At most this many files are listed: a huge monorepo must not freeze the view. */
const MAX_FILES = 2_000;
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.promptlab/**,**/out/**,**/dist/**}';

type Group = { group: 'partials' | 'library' };
type Element = vscode.Uri | Group;

/** The item kinds, as `contextValue`: package.json's `view/item/context` menus match them. */
export const PromptItemKind = { prompt: 'prompt', variant: 'promptVariant', partial: 'promptPartial', sample: 'promptSample' } as const;

export class PromptsView implements vscode.TreeDataProvider<Element>, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changed = this.disposables.add(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private catalog: Promise<PromptCatalog<vscode.Uri>> | undefined;
  private library: Promise<vscode.Uri[]> | undefined;
  /** What each listed file is, and a prompt's variants, by Uri string. */
  private readonly kinds = new Map<string, { kind: string; variant?: string; variants?: vscode.Uri[] }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly groups = { partials: { group: 'partials' } as Group, library: { group: 'library' } as Group };

  constructor(private readonly extensionUri: vscode.Uri) {
    const watcher = this.disposables.add(vscode.workspace.createFileSystemWatcher(`**/*${PROMPT_FILE_EXTENSION}`, false, true, false));
    this.disposables.add(watcher.onDidCreate(() => this.refreshSoon()));
    this.disposables.add(watcher.onDidDelete(() => this.refreshSoon()));
    this.disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshSoon()));
    this.disposables.add({ dispose: () => clearTimeout(this.timer) });
  }

  /** Lists the files again (a burst of changes, e.g. a git checkout, refreshes once). */
  refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 300);
  }

  refresh(): void {
    this.catalog = undefined;
    this.changed.fire();
  }

  async getChildren(element?: Element): Promise<Element[]> {
    if (element === undefined) {
      const catalog = await this.loadCatalog();
      return [
        ...catalog.prompts.map((prompt) => prompt.file.handle),
        ...(catalog.partials.length > 0 ? [this.groups.partials] : []),
        this.groups.library,
      ];
    }
    if (element instanceof vscode.Uri) return this.kinds.get(element.toString())?.variants ?? [];
    if (element.group === 'partials') return (await this.loadCatalog()).partials.map((file) => file.handle);
    return this.loadLibrary();
  }

  getTreeItem(element: Element): vscode.TreeItem {
    if (!(element instanceof vscode.Uri)) {
      const partials = element.group === 'partials';
      const item = new vscode.TreeItem(partials ? 'Partials' : 'Sample Library', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group:${element.group}`;
      item.iconPath = new vscode.ThemeIcon(partials ? 'symbol-snippet' : 'library');
      item.tooltip = partials ? 'Partials (_name.prompt), included with {{> name}}' : 'Prompts shipped with Prompt Lab: run them, or start your own from one with New Prompt from Template…';
      item.contextValue = partials ? 'promptPartials' : 'promptLibrary';
      return item;
    }
    const known = this.kinds.get(element.toString()) ?? { kind: PromptItemKind.prompt };
    const fileName = element.path.slice(element.path.lastIndexOf('/') + 1);
    const hasVariants = (known.variants?.length ?? 0) > 0;
    const item = new vscode.TreeItem(known.variant ?? fileName, hasVariants ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `${known.kind}:${element.toString()}`;
    item.resourceUri = element;
    item.contextValue = known.kind;
    const where = known.kind === PromptItemKind.sample ? 'sample library' : vscode.workspace.asRelativePath(element, true);
    if (known.kind === PromptItemKind.variant) {
      item.description = fileName;
      item.iconPath = new vscode.ThemeIcon('git-branch');
      item.tooltip = `Variant '${known.variant}': ${where}`;
    } else {
      const relative = known.kind === PromptItemKind.sample ? '' : vscode.workspace.asRelativePath(element, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
      const folder = relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '';
      const variants = known.variants?.length ?? 0;
      item.description = [folder, variants > 0 ? `${variants} variant${variants === 1 ? '' : 's'}` : ''].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon(known.kind === PromptItemKind.partial ? 'symbol-snippet' : 'file-code');
      item.tooltip = known.kind === PromptItemKind.partial ? `Partial: ${where}` : `${where}${hasVariants ? `\nVariants: ${known.variants!.map((uri) => this.kinds.get(uri.toString())?.variant).join(', ')}` : ''}`;
    }
    item.command = { command: 'vscode.open', title: 'Open Prompt', arguments: [element] };
    return item;
  }

  private loadCatalog(): Promise<PromptCatalog<vscode.Uri>> {
    this.catalog ??= this.findCatalog();
    return this.catalog;
  }

  private async findCatalog(): Promise<PromptCatalog<vscode.Uri>> {
    const uris = vscode.workspace.workspaceFolders ? await vscode.workspace.findFiles(`**/*${PROMPT_FILE_EXTENSION}`, EXCLUDE, MAX_FILES) : [];
    const catalog = promptCatalog(uris.map(fileOf));
    for (const [key, value] of this.kinds) if (value.kind !== PromptItemKind.sample) this.kinds.delete(key);
    for (const prompt of catalog.prompts) {
      this.kinds.set(prompt.file.handle.toString(), { kind: PromptItemKind.prompt, variants: prompt.variants.map((variant) => variant.file.handle) });
      for (const variant of prompt.variants) this.kinds.set(variant.file.handle.toString(), { kind: PromptItemKind.variant, variant: variant.name });
    }
    for (const partial of catalog.partials) this.kinds.set(partial.handle.toString(), { kind: PromptItemKind.partial });
    return catalog;
  }

  private loadLibrary(): Promise<vscode.Uri[]> {
    this.library ??= (async () => {
      const folder = vscode.Uri.joinPath(this.extensionUri, 'prompts');
      const entries = await vscode.workspace.fs.readDirectory(folder).then((list) => list, () => [] as [string, vscode.FileType][]);
      // Only the top folder: prompts/judges/ holds the eval's judge prompts, not samples to start from.
      const files = entries.filter(([name, type]) => (type & vscode.FileType.File) !== 0 && name.endsWith(PROMPT_FILE_EXTENSION) && !name.startsWith('_'))
        .map(([name]) => name).sort().map((name) => vscode.Uri.joinPath(folder, name));
      for (const uri of files) this.kinds.set(uri.toString(), { kind: PromptItemKind.sample });
      return files;
    })();
    return this.library;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function fileOf(uri: vscode.Uri): CatalogFile<vscode.Uri> {
  const slash = uri.path.lastIndexOf('/');
  return { folder: `${uri.scheme}://${uri.authority}${uri.path.slice(0, slash)}`, fileName: uri.path.slice(slash + 1), handle: uri };
}

export function registerPromptsView(extensionUri: vscode.Uri): vscode.Disposable {
  const store = new DisposableStore();
  const view = store.add(new PromptsView(extensionUri));
  store.add(vscode.window.createTreeView(PROMPTS_VIEW_ID, { treeDataProvider: view, showCollapseAll: true }));
  return store;
}
