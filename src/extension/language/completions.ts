// Completions in .prompt files: frontmatter keys, `config` keys, models, and inside `{{ }}` helpers,
// roles, variables (with the item fields inside {{#each}}) and partial names.
import * as vscode from 'vscode';
import { ROLES } from '../../core/check/template';
import type { InputField } from '../../core/inputSchema';
import { readSettings } from '../settings';
import { completionSite, type CompletionSite } from './completionSite';
import { CONFIG_KEYS, TOP_LEVEL_KEYS, type KeyDoc } from '../../core/frontmatterKeys';
import type { ModelLists } from '../backends/modelLists';
import { BUILT_IN_MODELS } from './builtInModels';
import type { PromptChecks } from './promptChecks';
import { BLOCK_HELPERS, EACH_DATA_VARIABLES, HELPER_DOCS, HELPER_NAMES } from './templateCatalog';
import { declaredInputs } from '../../core/inputSchema';
import { scopeOf, type OpenBlock } from './templateScopes';
import { listPartials, partialFolders } from './workspaceEnvironment';

export { COMPLETION_TRIGGERS } from './completionTriggers';

/** How long a completion of `model:` waits for the backends' model lists; what has not arrived by
 * then comes on a later keystroke (the list is marked incomplete, so the editor asks again). */
export const MODEL_LIST_WAIT_MS = 1_000;

const SPACE_SITES = new Set<CompletionSite['kind']>(['modelValue', 'argument', 'partial', 'role']);

export class PromptCompletions implements vscode.CompletionItemProvider {
  /** `models`: what the configured servers and VS Code offer, for `model:`. */
  constructor(private readonly checks: PromptChecks, private readonly models?: ModelLists) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): Promise<vscode.CompletionItem[] | vscode.CompletionList | undefined> {
    const offset = document.offsetAt(position);
    const site = completionSite(document.getText(), offset);
    if (!site) return undefined;
    // A space only completes where a value, an argument or a partial name comes next, not after every word.
    if (context.triggerCharacter === ' ' && !SPACE_SITES.has(site.kind)) return undefined;
    const range = new vscode.Range(document.positionAt(site.start), position);
    switch (site.kind) {
      case 'topLevelKey':
        return keyItems(TOP_LEVEL_KEYS.filter((key) => !site.existing.includes(key.key)), range);
      case 'configKey':
        return keyItems(CONFIG_KEYS.filter((key) => !site.existing.includes(key.key)), range);
      case 'modelValue':
        return modelItems(new vscode.Range(document.positionAt(site.start), document.positionAt(Math.max(site.end, offset))), this.models);
      case 'role':
        return ROLES.map((role) => {
          const completion = item(role, vscode.CompletionItemKind.EnumMember, range, { detail: 'role' });
          // `{{role ` with no quote yet: the name goes in as the string Dotprompt expects.
          if (!site.quoted) completion.insertText = `"${role}"`;
          return completion;
        });
      case 'partial':
        return this.partialItems(document, range);
      case 'helperOrVariable':
      case 'argument':
        return this.expressionItems(document, site, range);
    }
  }

  private async partialItems(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.CompletionItem[]> {
    const partials = await listPartials(partialFolders(document.uri, readSettings(document.uri).promptsFolder));
    return [...partials].map(([name, uri]) => item(name, vscode.CompletionItemKind.File, range, { detail: vscode.workspace.asRelativePath(uri, false) }));
  }

  private async expressionItems(document: vscode.TextDocument, site: Extract<CompletionSite, { kind: 'helperOrVariable' | 'argument' }>, range: vscode.Range): Promise<vscode.CompletionItem[]> {
    const items: vscode.CompletionItem[] = [];
    const sigil = site.kind === 'helperOrVariable' ? site.sigil : '';
    if (sigil === '/') return closingItems(site.blocks, range);
    if (site.kind === 'helperOrVariable') {
      for (const name of sigil === '' ? HELPER_NAMES : BLOCK_HELPERS) {
        const doc = HELPER_DOCS[name];
        const helper = item(name, vscode.CompletionItemKind.Function, range, { detail: 'helper', documentation: doc?.doc });
        if (doc?.snippet && sigil === '') helper.insertText = new vscode.SnippetString(doc.snippet);
        // Variables first: they are what a template mostly reads.
        helper.sortText = `2${name}`;
        items.push(helper);
      }
    }
    const checked = await this.checks.check(document);
    const scope = scopeOf(checked.frontmatter.broken ? undefined : declaredInputs(checked.frontmatter), site.blocks);
    for (const field of scope.fields ?? []) items.push(variableItem(field, range));
    if (scope.inEach) {
      items.push(item('this', vscode.CompletionItemKind.Keyword, range, { detail: 'the current item', sortText: '1this' }));
      for (const data of EACH_DATA_VARIABLES) items.push(item(data.name, vscode.CompletionItemKind.Keyword, range, { detail: data.doc, sortText: `1${data.name}` }));
    }
    return items;
  }
}

function item(label: string, kind: vscode.CompletionItemKind, range: vscode.Range, extra: { detail?: string; documentation?: string; sortText?: string } = {}): vscode.CompletionItem {
  const result = new vscode.CompletionItem(label, kind);
  result.range = range;
  if (extra.detail !== undefined) result.detail = extra.detail;
  if (extra.documentation !== undefined) result.documentation = new vscode.MarkdownString(extra.documentation);
  if (extra.sortText !== undefined) result.sortText = extra.sortText;
  return result;
}

function keyItems(keys: readonly KeyDoc[], range: vscode.Range): vscode.CompletionItem[] {
  return keys.map((key, index) => {
    const result = item(key.key, vscode.CompletionItemKind.Property, range, {
      documentation: 'range' in key ? `${key.doc}\n\nValues: ${(key as { range: string }).range}.` : key.doc,
      sortText: String(index).padStart(2, '0'),
    });
    result.insertText = new vscode.SnippetString(key.shape === 'block' ? `${key.key}:\n  $0` : key.shape === 'list' ? `${key.key}: [$0]` : `${key.key}: $0`);
    // After `model: `, the models.
    if (key.key === 'model') result.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    return result;
  });
}

async function modelItems(range: vscode.Range, lists: ModelLists | undefined): Promise<vscode.CompletionList> {
  const backends = readSettings().backends;
  const models = new Map<string, string>();
  if (backends) {
    for (const backend of backends) {
      if (backend.defaultModel) models.set(qualified(backend.id, backend.defaultModel), `default model of backend '${backend.id}'`);
    }
  } else {
    for (const model of BUILT_IN_MODELS) models.set(model, 'no promptLab.backends configured: a common model');
  }
  // What the servers (GET /v1/models) and VS Code (its chat models) offer now.
  const offered = lists ? await lists.get(MODEL_LIST_WAIT_MS) : { lists: [], complete: true };
  for (const list of offered.lists) {
    for (const model of list.models) {
      const id = qualified(list.config.id, model.id);
      if (!models.has(id)) models.set(id, `backend '${list.config.id}'${model.detail ? ` · ${model.detail}` : ''}`);
    }
  }
  const items = [...models].map(([model, detail], index) => item(model, vscode.CompletionItemKind.Value, range, { detail, sortText: String(index).padStart(4, '0') }));
  return new vscode.CompletionList(items, !offered.complete);
}

/** `provider/name`; a model already written with its provider is kept as it is. */
const qualified = (backend: string, model: string) => (model.startsWith(`${backend}/`) ? model : `${backend}/${model}`);

function variableItem(field: InputField, range: vscode.Range): vscode.CompletionItem {
  const type = field.type ?? 'any';
  const detail = `${type}${field.optional ? ', optional' : ''}`;
  return item(field.name, vscode.CompletionItemKind.Variable, range, { detail, sortText: `0${field.name}`, ...(field.description ? { documentation: field.description } : {}) });
}

/** After `{{/`: the innermost open block's name first. */
function closingItems(blocks: readonly OpenBlock[], range: vscode.Range): vscode.CompletionItem[] {
  const names = [...new Set(blocks.map((block) => block.helper).reverse())];
  return names.map((name, index) => item(name, vscode.CompletionItemKind.Keyword, range, { detail: 'closes the block', sortText: String(index) }));
}
