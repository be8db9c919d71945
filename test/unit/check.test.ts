// Each kind of diagnostic, at the exact place it belongs (0-based line/character, as VS Code).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import type { PromptDiagnostic } from '../../src/core/diagnostics';
import { memoryEnvironment } from '../../src/core/promptEnvironment';

async function diagnose(text: string, partials: Record<string, string> = {}, partialName?: string): Promise<PromptDiagnostic[]> {
  return (await checkPrompt(text, memoryEnvironment(partials), { partialName })).diagnostics;
}

/** `[code, line, startChar, endChar]` of each diagnostic, compact enough to compare whole. */
const where = (diagnostics: PromptDiagnostic[]) =>
  diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line === d.range.start.line ? d.range.end.character : -1]);

const header = '---\ninput:\n  schema:\n    dialogue: string\n---\n';

describe('checkPrompt', () => {
  it('finds nothing wrong in a well-formed prompt', async () => {
    const text = readFileSync(path.resolve(__dirname, '../../../test/fixtures/summarize.prompt'), 'utf8');
    assert.deepEqual(await diagnose(text), []);
  });

  it('places YAML syntax errors on the file line of the frontmatter', async () => {
    const found = await diagnose('---\nmodel: a\nconfig: [1\n---\nHi\n');
    assert.equal(found[0]!.code, 'yaml-syntax');
    assert.equal(found[0]!.severity, 'error');
    assert.equal(found[0]!.range.start.line, 2, JSON.stringify(found));
  });

  it('reports duplicate keys', async () => {
    const found = await diagnose('---\nmodel: a\nmodel: b\n---\nHi\n');
    assert.deepEqual(found.map((d) => d.code), ['yaml-syntax']);
    assert.match(found[0]!.message, /unique/);
  });

  it('checks config ranges where the value is', async () => {
    const text = '---\nconfig:\n  temperature: 2.5\n  topP: -0.1\n  topK: 1.5\n  maxOutputTokens: 0\n  stopSequences: "\\n"\n---\nHi\n';
    assert.deepEqual(where(await diagnose(text)), [
      ['config-range', 2, 15, 18],
      ['config-range', 3, 8, 12],
      ['config-range', 4, 8, 11],
      ['config-range', 5, 19, 20],
      ['config-range', 6, 17, 21],
    ]);
  });

  it('accepts the edges of each range', async () => {
    const text = '---\nconfig: { temperature: 0, topP: 1, topK: 1, maxOutputTokens: 1, stopSequences: [] }\n---\nHi\n';
    assert.deepEqual(await diagnose(text), []);
    assert.equal((await diagnose('---\nconfig: { temperature: 2 }\n---\nHi\n')).length, 0);
  });

  it('reports wrong types and unknown keys (as warnings) on the key or value', async () => {
    const found = await diagnose('---\nmodel: 42\nmodle: x\nconfig: { temprature: 1 }\npromptlab.exampels: x\n---\nHi\n');
    assert.deepEqual(where(found), [['frontmatter-type', 1, 7, 9], ['unknown-key', 2, 0, 5], ['unknown-key', 3, 10, 20], ['unknown-key', 4, 0, 18]]);
    assert.deepEqual(found.map((d) => d.severity), ['error', 'warning', 'warning', 'warning']);
  });

  it('requires promptlab.examples to name a declared array input', async () => {
    const found = await diagnose(`---\ninput:\n  schema:\n    dialogue: string\npromptlab.examples: shots\n---\n{{dialogue}}\n`);
    assert.deepEqual(where(found), [['extension-key', 4, 20, 25]]);
    const notArray = await diagnose(`---\ninput:\n  schema:\n    dialogue: string\npromptlab.examples: dialogue\n---\n{{dialogue}}\n`);
    assert.match(notArray[0]!.message, /must be an array/);
  });

  it('reports Picoschema errors at the type', async () => {
    const found = await diagnose('---\ninput:\n  schema:\n    name: strng\n    tags(list): string\n    mood(enum): happy\n---\n{{name}}{{tags}}{{mood}}\n');
    assert.deepEqual(where(found), [['picoschema', 3, 10, 15], ['picoschema', 4, 4, 14], ['picoschema', 5, 16, 21]]);
    assert.match(found[0]!.message, /Unknown type 'strng'/);
  });

  it('maps Handlebars syntax errors from the body to file lines', async () => {
    assert.deepEqual(where(await diagnose(`${header}Line one\nHello {{dialogue}\n`)), [['template-syntax', 6, 16, 17]]);
    // A mismatched close is reported on the name of the block it fails to close.
    assert.deepEqual(where(await diagnose(`${header}{{#each items}}\n{{/if}}\n`)), [['template-syntax', 5, 3, 7]]);
  });

  it('keeps columns right in CRLF files', async () => {
    const text = `${header}Line one\nHello {{dialogue}\n`.replace(/\n/g, '\r\n');
    assert.deepEqual(where(await diagnose(text)), [['template-syntax', 6, 16, 17]]);
  });

  it('reports unknown helpers and roles', async () => {
    const found = await diagnose(`${header}{{role "assistant"}}{{upper dialogue}}\n`);
    assert.deepEqual(where(found), [['unknown-role', 5, 7, 18], ['unknown-helper', 5, 22, 27]]);
    assert.match(found[0]!.message, /'model'/);
  });

  it('warns about variables declared nowhere, with a suggestion, and knows block scopes', async () => {
    const text = '---\ninput:\n  schema:\n    dialogue: string\n    examples(array):\n      summary: string\n---\n'
      + '{{dialog}}{{#each examples as |ex|}}{{summary}}{{ex.summary}}{{sumary}}{{@index}}{{../dialogue}}{{/each}}\n';
    const found = await diagnose(text);
    assert.deepEqual(where(found), [['undeclared-variable', 7, 2, 8], ['undeclared-variable', 7, 63, 69]]);
    assert.match(found[0]!.message, /did you mean 'dialogue'/);
    assert.equal(found[0]!.severity, 'warning');
  });

  it('counts input.default keys as declared', async () => {
    assert.deepEqual(await diagnose('---\ninput:\n  default:\n    name: Ada\n---\nHi {{name}}\n'), []);
  });

  it('reports partials that are missing and partials that include each other', async () => {
    const missing = await diagnose(`${header}{{> footer}}\n`);
    assert.deepEqual(where(missing), [['partial-not-found', 5, 4, 10]]);
    const cycle = await diagnose(`${header}{{> a}}\n`, { a: 'A {{> b}}', b: 'B {{> a}}' });
    assert.deepEqual(where(cycle), [['partial-cycle', 5, 4, 5]]);
    assert.match(cycle[0]!.message, /a → b → a/);
    assert.deepEqual(await diagnose(`${header}{{> a}} {{> a}}\n`, { a: 'A {{> b}}', b: 'B' }), []);
  });

  it('sees a partial file that includes itself', async () => {
    const found = await diagnose('Hello {{> greet}}', { greet: 'Hello {{> greet}}' }, 'greet');
    assert.deepEqual(found.map((d) => d.code), ['partial-cycle']);
  });

  it('does not check variables in partial files', async () => {
    assert.deepEqual(await diagnose('{{anything}} goes', {}, 'footer'), []);
  });

  it('says when the frontmatter is not closed or empty', async () => {
    assert.deepEqual(where(await diagnose('---\nmodel: x\nHello\n')), [['frontmatter-unclosed', 0, 0, 3]]);
    assert.deepEqual(where(await diagnose('---\nmodel: x\n---')), [['frontmatter-unclosed', 0, 0, 3]]);
    for (const empty of ['---\n---\nHello\n', '---\n\n---\nHello\n']) {
      assert.deepEqual((await diagnose(empty)).map((d) => [d.code, d.severity]), [['frontmatter-empty', 'warning']], JSON.stringify(empty));
    }
  });

  it('warns about a byte-order mark and reads the file without it', async () => {
    const found = await diagnose(`\uFEFF${header}{{dialogue}}\n`);
    assert.deepEqual(found.map((d) => d.code), ['bom']);
  });
});
