// Hovers: a variable's schema and default; a role marker's message and its token count; what a
// frontmatter key (notably a `config` setting) does and which values it takes.
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { MAX_PROMPT_CHARS, type CheckedPrompt } from '../../core/check/checkPrompt';
import type { Located } from '../../core/check/template';
import { findField, type InputField } from '../../core/inputSchema';
import { findConfigKey, findTopLevelKey } from '../../core/frontmatterKeys';
import { frontmatterLines, inFrontmatter, parentKey, type FrontmatterLines } from './frontmatterLines';
import type { PromptChecks } from './promptChecks';
import type { PromptTokenCounts, TokenCount } from './promptTokenCounts';
import { HELPER_NAMES } from './templateCatalog';
import type { LocalModelCount } from './tokenCountText';
import { declaredInputs } from '../../core/inputSchema';
import { expressionAt, openBlocks, scopeOf } from './templateScopes';

/** A default longer than this is cut in the hover. */
const MAX_DEFAULT_CHARS = 600;

export class PromptHovers implements vscode.HoverProvider {
  constructor(private readonly checks: PromptChecks, private readonly counts: PromptTokenCounts) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const text = document.getText();
    // The check refuses a file this large; its hovers would read all of it on every move.
    if (text.length > MAX_PROMPT_CHARS) return undefined;
    const frontmatter = frontmatterLines(text);
    if (frontmatter && inFrontmatter(frontmatter, position.line)) return frontmatterHover(document, position, frontmatter);
    const checked = await this.checks.check(document);
    const offset = document.offsetAt(position);
    const bodyStart = checked.source.body.start;
    const roles = checked.template?.roles ?? [];
    const role = roles.find((marker) => bodyStart + marker.start <= offset && offset < bodyStart + marker.end);
    if (role) {
      const range = new vscode.Range(document.positionAt(bodyStart + role.start), document.positionAt(bodyStart + role.end));
      const count = await this.counts.count(document);
      return new vscode.Hover(roleMarkdown(role, roles, count, this.counts.localModel(document, count)), range);
    }
    return variableHover(document, position, text, checked);
  }
}

function frontmatterHover(document: vscode.TextDocument, position: vscode.Position, frontmatter: FrontmatterLines): vscode.Hover | undefined {
  const range = document.getWordRangeAtPosition(position, /[\w.-]+/);
  if (!range) return undefined;
  const word = document.getText(range);
  const line = frontmatter.lines[position.line]!;
  const isKey = line.slice(range.end.character).trimStart().startsWith(':');
  if (!isKey) return undefined;
  if (range.start.character === 0) {
    const key = findTopLevelKey(word);
    return key ? new vscode.Hover(new vscode.MarkdownString(`**${key.key}**\n\n${key.doc}`), range) : undefined;
  }
  const inConfig = parentKey(frontmatter, position.line)?.key === 'config' || /^config:\s*\{/.test(line);
  const setting = inConfig ? findConfigKey(word) : undefined;
  if (!setting) return undefined;
  return new vscode.Hover(new vscode.MarkdownString(`**config.${setting.key}**: ${setting.range}\n\n${setting.doc}`), range);
}

function variableHover(document: vscode.TextDocument, position: vscode.Position, text: string, checked: CheckedPrompt): vscode.Hover | undefined {
  const bodyStart = checked.source.body.start;
  const offset = document.offsetAt(position);
  const expression = expressionAt(text, offset, bodyStart);
  const range = document.getWordRangeAtPosition(position, /[\w@-]+(?:\.[\w@-]+)*/);
  if (!expression || !range || checked.frontmatter.broken) return undefined;
  const pathStart = document.offsetAt(range.start);
  const segments = document.getText(range).split('.');
  // The segment under the cursor: `examples.dialogue` hovered on `dialogue` shows that field.
  let hovered = 0;
  for (let end = pathStart + segments[0]!.length; hovered < segments.length - 1 && offset > end;) end += 1 + segments[++hovered]!.length;
  const isFirstWord = /^~?\s*[#^]?\s*$/.test(text.slice(expression.open + 2, pathStart));
  if (isFirstWord && segments.length === 1 && HELPER_NAMES.includes(segments[0]!)) return undefined;
  const names = segments.slice(segments[0] === 'this' ? 1 : 0, hovered + 1);
  if (names.length === 0 || names[0]!.startsWith('@')) return undefined;
  const inputs = declaredInputs(checked.frontmatter);
  const scope = scopeOf(inputs, openBlocks(text, bodyStart, expression.open));
  let field: InputField | undefined;
  let fields = scope.fields;
  for (const name of names) {
    field = findField(fields, name);
    fields = field?.fields;
  }
  if (!field) return undefined;
  const markdown = new vscode.MarkdownString();
  markdown.appendMarkdown(`**${field.name}**: \`${field.type ?? 'any'}\`${field.optional ? ' (optional)' : ' (required)'}`);
  if (field.description) markdown.appendMarkdown(`\n\n${field.description}`);
  if (field.fields?.length) markdown.appendMarkdown(`\n\nFields: ${field.fields.map((inner) => `\`${inner.name}\``).join(', ')}`);
  // Defaults are known for inputs, not for the items a block iterates over.
  const atRoot = scope.fields === inputs;
  const value = atRoot ? names.reduce<unknown>((inner, key) => (isRecord(inner) ? inner[key] : undefined), checked.frontmatter.defaults) : undefined;
  if (value !== undefined) {
    let yaml = stringify(value).trimEnd();
    if (yaml.length > MAX_DEFAULT_CHARS) yaml = `${yaml.slice(0, MAX_DEFAULT_CHARS)}\n…`;
    markdown.appendMarkdown('\n\nDefault:');
    markdown.appendCodeblock(yaml, 'yaml');
  }
  return new vscode.Hover(markdown, range);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `localModel` is set for a prompt that runs on a local model: tiktoken's counts are then estimates
 * (named as such), and the whole prompt's count is the model's own once the panel has had it counted. */
function roleMarkdown(role: Located, roles: readonly Located[], count: TokenCount, localModel?: LocalModelCount): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString();
  const name = role.name;
  markdown.appendMarkdown(name === 'history'
    ? '**{{history}}**: the conversation history given to a run goes here.'
    : `**{{role "${name}"}}** starts a \`${name}\` message: the text up to the next role marker.`);
  if (count.kind === 'errors') return markdown.appendMarkdown('\n\nTokens: – (the prompt has errors)');
  if (count.kind === 'unavailable') return markdown.appendMarkdown(`\n\nTokens: – (${count.reason})`);
  const { report, parts } = count;
  const messages = report.messages;
  const about = localModel ? '~' : '';
  const markers = roles.filter((marker) => marker.name !== 'history');
  const oneToOne = !roles.some((marker) => marker.name === 'history')
    && markers.length === messages.length && markers.every((marker, index) => marker.name === messages[index]!.role);
  if (oneToOne && name !== 'history') {
    const index = markers.indexOf(role);
    const partNames = parts.filter((part) => part.spans.some((span) => span.message === index)).map((part) => part.name);
    markdown.appendMarkdown(`\n\nMessage ${index + 1} of ${messages.length}${partNames.length ? ` (${partNames.join(', ')})` : ''}: **${about}${messages[index]!.tokens} tokens**`);
  } else {
    // Markers inside {{#each}} start several messages, or none: show them all.
    const same = messages.flatMap((message, index) => (message.role === name ? [`${index + 1}: ${about}${message.tokens}`] : []));
    markdown.appendMarkdown(same.length
      ? `\n\nRendered \`${name}\` messages (number: tokens): ${same.join(', ')}`
      : `\n\nNo \`${name}\` message is rendered with the default inputs.`);
  }
  if (!localModel) return markdown.appendMarkdown(`\n\nWhole prompt: ${report.total} tokens. ${report.note}`);
  // The status bar and CodeLens say the same (tokenCountText.ts).
  const estimate = `Counts marked ~ are ${report.tokenizer}'s, an estimate: this prompt runs on a local model, which has its own tokenizer.`;
  return markdown.appendMarkdown(localModel.local
    ? `\n\nWhole prompt: ${localModel.local.total} tokens, counted by the local model (${localModel.local.tokenizer}). ${estimate}`
    : `\n\nWhole prompt: ~${report.total} tokens (${report.tokenizer}). ${estimate} Open the Prompt Lab panel for the model's own count.`);
}
