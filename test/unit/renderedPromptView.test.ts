// The rendered prompt the panel shows in place of the .prompt source: each message cut into
// segments by part, and the parts' and overhead's token counts, from a real prompt of the library.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { countPromptTokens } from '../../src/core/promptTokens';
import { renderChecked } from '../../src/core/render';
import { renderedPromptView } from '../../src/core/renderedPromptView';
import { promptParts } from '../../src/core/structure';

const root = path.resolve(__dirname, '../../..');

describe('the rendered prompt for the panel', () => {
  it('marks every part in the messages, joins back into them, and counts each part and the overhead', async () => {
    const checked = await checkPrompt(readFileSync(path.join(root, 'prompts/summarize-dialogue.prompt'), 'utf8'), memoryEnvironment());
    const rendered = await renderChecked(checked, { input: { dialogue: 'A: Tea at 4?\nB: Make it 5.' } });
    const parts = await promptParts(checked, rendered, (shots) => renderChecked(checked, { input: { dialogue: 'A: Tea at 4?\nB: Make it 5.' }, shots }));
    const report = await countPromptTokens(rendered.model, rendered.text, parts);
    const view = renderedPromptView(rendered.text, parts, report);
    assert.equal(view.messages.length, rendered.text.length);
    view.messages.forEach((message, i) => {
      assert.equal(message.role, rendered.text[i]!.role);
      assert.equal(message.segments.map((segment) => segment.text).join(''), rendered.text[i]!.content);
      // Neighbouring segments never share a part: each is one run.
      message.segments.forEach((segment, k) => k > 0 && assert.notEqual(segment.part, message.segments[k - 1]!.part));
    });
    const marked = (name: string) => view.messages.flatMap((message) => message.segments.filter((segment) => segment.part === name).map((segment) => segment.text)).join('');
    for (const part of parts) assert.equal(marked(part.name), part.spans.map((span) => rendered.text[span.message]!.content.slice(span.start, span.end)).join(''), part.name);
    assert.deepEqual(new Set(view.parts.map((part) => part.name)), new Set(['instruction', 'examples', 'content', 'cue']));
    assert.ok(marked('content').includes('Make it 5.'));
    assert.equal(view.parts.reduce((sum, part) => sum + part.tokens, 0) + view.overhead, view.total);
    assert.equal(view.total, report.total);
    assert.equal(view.truncated, undefined);
    // A long prompt is cut, and says so.
    const cut = renderedPromptView(rendered.text, parts, report, 20);
    assert.equal(cut.truncated, true);
    assert.equal(cut.messages.flatMap((message) => message.segments.map((segment) => segment.text)).join('').length, 20);
  });
});
