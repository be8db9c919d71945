// Tokenizes with the same TextMate engine VS Code uses (vscode-textmate + Oniguruma WASM).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type IRawGrammar } from 'vscode-textmate';

const root = path.resolve(__dirname, '../../..');

let grammar: IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    // source.yaml is VS Code's built-in YAML grammar. vscode-textmate drops a rule whose include it
    // cannot resolve, so an empty stand-in takes its place: the tests are about our scopes, not YAML's.
    loadGrammar: async (scopeName) => scopeName === 'source.dotprompt'
      ? parseRawGrammar(readFileSync(path.join(root, 'syntaxes/dotprompt.tmLanguage.json'), 'utf8'), 'dotprompt.tmLanguage.json')
      : scopeName === 'source.yaml' ? { scopeName, patterns: [] } as unknown as IRawGrammar : null,
  });
  const loaded = await registry.loadGrammar('source.dotprompt');
  assert.ok(loaded);
  grammar = loaded;
});

/** Scopes of the first token whose text is `text` on the tokenized lines. */
function scopesOf(source: string, text: string): string[] {
  let stack = INITIAL;
  for (const line of source.split('\n')) {
    const { tokens, ruleStack } = grammar.tokenizeLine(line, stack);
    for (const token of tokens) {
      if (line.slice(token.startIndex, token.endIndex) === text) return token.scopes;
    }
    stack = ruleStack;
  }
  throw new Error(`no token '${text}'`);
}

const prompt = [
  '---',
  'model: openai/gpt-4o-mini',
  '---',
  '{{role "system"}}You summarize.',
  '{{! a comment }}',
  '{{#if short}}Be brief.{{else}}Be thorough.{{/if}}',
  '{{#each examples}}{{dialogue}}{{/each}}',
  '{{> footer tone="warm"}}',
  'Summary:',
].join('\n');

describe('grammar', () => {
  it('embeds YAML between the frontmatter fences', () => {
    assert.ok(scopesOf(prompt, 'model: openai/gpt-4o-mini').includes('meta.embedded.block.frontmatter.yaml'));
    assert.ok(scopesOf(prompt, '---').includes('punctuation.definition.frontmatter.begin.dotprompt'));
  });

  it('marks role markers apart from other expressions', () => {
    assert.ok(scopesOf(prompt, 'role').includes('keyword.control.role.dotprompt'));
    assert.ok(scopesOf(prompt, '"system"').some((s) => s.startsWith('string.quoted.role')));
  });

  it('marks comments, blocks, variables and partials', () => {
    assert.ok(scopesOf(prompt, ' a comment ').includes('comment.block.handlebars.dotprompt'));
    assert.ok(scopesOf(prompt, 'else').includes('keyword.control.else.dotprompt'));
    assert.deepEqual(scopesOf(prompt, 'Be thorough.'), ['source.dotprompt']);
    assert.ok(scopesOf(prompt, 'each').includes('keyword.control.block.dotprompt'));
    assert.ok(scopesOf(prompt, 'dialogue').includes('variable.other.dotprompt'));
    assert.ok(scopesOf(prompt, 'footer').includes('entity.name.function.partial.dotprompt'));
    assert.ok(scopesOf(prompt, 'tone').includes('entity.other.attribute-name.dotprompt'));
  });

  it('leaves plain text (the cue) unscoped', () => {
    assert.deepEqual(scopesOf(prompt, 'Summary:'), ['source.dotprompt']);
  });

  it('finds the frontmatter after a byte-order mark', () => {
    assert.ok(scopesOf('\uFEFF---\nmodel: m\n---\nhi', 'model: m').includes('meta.embedded.block.frontmatter.yaml'));
  });

  it('treats --- later in the body as text, not frontmatter', () => {
    const body = 'Intro\n---\nmodel: not yaml\n---';
    assert.deepEqual(scopesOf(body, 'model: not yaml'), ['source.dotprompt']);
  });
});
