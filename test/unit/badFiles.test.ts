// Files that are broken, huge or strange must give diagnostics or render: never throw, crash or hang.
// (mocha's timeout is the hang guard; speed is measured in bench/, not asserted here.)
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { checkPrompt, MAX_PROMPT_CHARS } from '../../src/core/check/checkPrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { renderChecked } from '../../src/core/render';

async function survive(text: string) {
  const environment = memoryEnvironment();
  const checked = await checkPrompt(text, environment);
  if (checked.ok) {
    const rendered = await renderChecked(checked).catch((error: Error) => error);
    return { checked, rendered };
  }
  return { checked, rendered: undefined };
}

describe('bad files', function () {
  this.timeout(60_000);

  it('an empty file renders to no messages', async () => {
    const { checked, rendered } = await survive('');
    // Only the warning that the prompt is empty (at 1:1): it still checks clean and renders.
    assert.deepEqual(checked.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character]), [['empty-prompt', 'warning', 0, 0]]);
    assert.ok(rendered && !(rendered instanceof Error));
    assert.deepEqual(rendered.messages, []);
  });

  it('frontmatter only renders to no messages', async () => {
    const { checked, rendered } = await survive('---\nmodel: openai/gpt-4o-mini\n---\n');
    assert.deepEqual(checked.diagnostics.map((d) => [d.code, d.severity]), [['empty-prompt', 'warning']]);
    assert.ok(rendered && !(rendered instanceof Error));
    assert.deepEqual(rendered.messages, []);
    assert.equal(rendered.model, 'openai/gpt-4o-mini');
  });

  it('an unclosed frontmatter is an error at line 1', async () => {
    const { checked } = await survive('---\nmodel: x\n\nHello {{name}}\n');
    assert.equal(checked.diagnostics[0]!.code, 'frontmatter-unclosed');
    assert.equal(checked.ok, false);
  });

  it('CRLF and a BOM render like LF without one', async () => {
    const lf = '---\ninput:\n  default: { who: Ada }\n---\nHello {{who}}\nBye\n';
    const crlf = await survive(`\uFEFF${lf.replace(/\n/g, '\r\n')}`);
    const plain = await survive(lf);
    assert.deepEqual(crlf.checked.diagnostics.map((d) => d.code), ['bom']);
    assert.ok(crlf.rendered && !(crlf.rendered instanceof Error) && plain.rendered && !(plain.rendered instanceof Error));
    assert.equal(crlf.rendered.text[0]!.content.replace(/\r/g, ''), plain.rendered.text[0]!.content);
  });

  it('binary junk gets diagnostics or renders, without throwing', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const junk = randomBytes(4096).toString('latin1');
      await survive(junk);
      await survive(`---\n${junk}\n---\n${junk}`);
    }
  });

  const line = 'The quick brown fox {{animal}} jumps over the lazy dog. '.repeat(4) + '\n';
  const sized = (chars: number) => `---\ninput:\n  default: { animal: cat }\n---\n${line.repeat(Math.ceil(chars / line.length))}`;

  it('a 10 MB file gets one clear error at once, not minutes of work', async () => {
    const { checked } = await survive(sized(10_000_000));
    assert.deepEqual(checked.diagnostics.map((d) => [d.code, d.range.start.line]), [['file-too-large', 0]]);
    assert.match(checked.diagnostics[0]!.message, /10\.0 million characters/);
  });

  it('a file just under the limit is checked and rendered', async () => {
    const { checked, rendered } = await survive(sized(MAX_PROMPT_CHARS - 2 * line.length));
    assert.deepEqual(checked.diagnostics, []);
    assert.ok(rendered && !(rendered instanceof Error), String(rendered));
    assert.equal(rendered.text[0]!.content.split('cat jumps').length - 1, (checked.source.lines.lineCount - 5) * 4);
  });

  it('1,000-deep Handlebars blocks and YAML nesting', async () => {
    const blocks = `---\ninput:\n  default: { a: true }\n---\n${'{{#if a}}'.repeat(1000)}deep${'{{/if}}'.repeat(1000)}\n`;
    const deepBlocks = await survive(blocks);
    assert.ok(deepBlocks.rendered && !(deepBlocks.rendered instanceof Error), String(deepBlocks.rendered));
    assert.equal(deepBlocks.rendered.text[0]!.content.trim(), 'deep');
    const yaml = `---\nraw: ${'['.repeat(1000)}${']'.repeat(1000)}\n---\nHi\n`;
    await survive(yaml);
    const unbalanced = `---\nraw: ${'{a: '.repeat(1000)}\n---\n${'{{#each x}}'.repeat(1000)}\n`;
    const { checked } = await survive(unbalanced);
    assert.equal(checked.ok, false);
  });
});
