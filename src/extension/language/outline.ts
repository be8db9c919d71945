// The outline (document symbols): "Frontmatter" with its top-level keys, then one symbol per role
// marker, running to the next marker, with the partials it includes as children.
import * as vscode from 'vscode';
import { MAX_PROMPT_CHARS } from '../../core/check/checkPrompt';
import type { Located } from '../../core/check/template';
import { frontmatterLines, topLevelKeys } from './frontmatterLines';
import type { PromptChecks } from './promptChecks';
import { blankComments } from './templateScopes';

export class PromptOutline implements vscode.DocumentSymbolProvider {
  constructor(private readonly checks: PromptChecks) {}

  async provideDocumentSymbols(document: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const symbols: vscode.DocumentSymbol[] = [];
    const text = document.getText();
    // The check refuses a file this large: no outline of it either (a million keys, a million symbols).
    if (text.length > MAX_PROMPT_CHARS) return symbols;
    const frontmatter = frontmatterLines(text);
    if (frontmatter?.close !== undefined) {
      const range = new vscode.Range(0, 0, frontmatter.close, frontmatter.lines[frontmatter.close]!.length);
      const symbol = new vscode.DocumentSymbol('Frontmatter', '', vscode.SymbolKind.Namespace, range, new vscode.Range(0, 0, 0, 3));
      const keys = topLevelKeys(frontmatter);
      symbol.children = keys.map(({ key, line }, index) => {
        // A key's block runs to the line before the next key (or the closing ---).
        const last = (keys[index + 1]?.line ?? frontmatter.close!) - 1;
        const keyRange = new vscode.Range(line, 0, line, key.length);
        return new vscode.DocumentSymbol(key, '', vscode.SymbolKind.Property, new vscode.Range(line, 0, last, frontmatter.lines[last]!.length), keyRange);
      });
      symbols.push(symbol);
    }
    const checked = await this.checks.check(document);
    const bodyStart = checked.source.body.start;
    const body = checked.source.body.text;
    // While the body does not parse, the markers are found by their text.
    const { roles, partials } = checked.template ?? scanMarkers(body);
    const at = (offset: number) => document.positionAt(bodyStart + offset);
    const partialSymbol = (partial: Located) => {
      const range = new vscode.Range(at(partial.start), at(partial.end));
      return new vscode.DocumentSymbol(`> ${partial.name}`, 'partial', vscode.SymbolKind.File, range, range);
    };
    const opening = partials.filter((partial) => roles.length === 0 || partial.start < roles[0]!.start);
    if (roles.length === 0 && body.trim() !== '') {
      // No markers: Dotprompt sends the whole template as one user message.
      const range = new vscode.Range(at(0), at(body.length));
      const symbol = new vscode.DocumentSymbol('Template', 'user message', vscode.SymbolKind.Object, range, new vscode.Range(at(0), at(0)));
      symbol.children = opening.map(partialSymbol);
      symbols.push(symbol);
      return symbols;
    }
    symbols.push(...opening.map(partialSymbol));
    roles.forEach((role, index) => {
      const end = roles[index + 1]?.start ?? body.length;
      const range = new vscode.Range(at(role.start), at(end));
      const selection = new vscode.Range(at(role.start), at(role.end));
      const name = role.name === 'history' ? 'history' : role.name;
      const symbol = new vscode.DocumentSymbol(name, role.name === 'history' ? 'conversation history' : firstWords(body.slice(role.end, end)), vscode.SymbolKind.Object, range, selection);
      symbol.children = partials.filter((partial) => partial.start >= role.end && partial.start < end).map(partialSymbol);
      symbols.push(symbol);
    });
    return symbols;
  }
}

/** The start of a message's text, for the outline's detail column. */
function firstWords(text: string): string {
  const line = text.replace(/\{\{[\s\S]*?\}\}/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** Role markers and partials found by their text, for a body that does not parse. */
function scanMarkers(body: string): { roles: Located[]; partials: Located[] } {
  const text = blankComments(body);
  const roles: Located[] = [];
  const partials: Located[] = [];
  for (const match of text.matchAll(/\{\{~?\s*(?:role\s+["']([^"']+)["']|(history))\s*~?\}\}/g)) {
    roles.push({ name: match[1] ?? 'history', start: match.index, end: match.index + match[0].length });
  }
  for (const match of text.matchAll(/\{\{~?\s*>\s*([\w.-]+)/g)) {
    const start = match.index + match[0].length - match[1]!.length;
    partials.push({ name: match[1]!, start, end: start + match[1]!.length });
  }
  return { roles, partials };
}
