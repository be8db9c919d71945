// promptlab.agent and promptlab.execute: checked where they are written, read back from the render.
import * as assert from 'node:assert/strict';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import type { PromptDiagnostic } from '../../src/core/diagnostics';
import { agentSpecOf } from '../../src/core/patterns/agentSpec';
import { executeSpecOf } from '../../src/core/patterns/executeSpec';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { renderChecked } from '../../src/core/render';

const check = (frontmatter: string) => checkPrompt(`---\n${frontmatter}\n---\nQuestion: 1+1?\n`, memoryEnvironment());
/** `[severity, line, startChar, endChar, message]` of each diagnostic (0-based, file lines). */
const where = (diagnostics: PromptDiagnostic[]) =>
  diagnostics.map((d) => [d.severity, d.range.start.line, d.range.start.character, d.range.end.character, d.message]);

describe('promptlab.agent', () => {
  it('accepts tools and maxSteps, and the render carries them to the run', async () => {
    const checked = await check('promptlab.agent: { tools: [search, calculate, lookup], maxSteps: 5 }');
    assert.deepEqual(checked.diagnostics, []);
    assert.deepEqual(checked.frontmatter.agent, { tools: ['search', 'calculate', 'lookup'], maxSteps: 5 });
    const rendered = await renderChecked(checked, {});
    assert.deepEqual(agentSpecOf(rendered.ext), { tools: ['search', 'calculate', 'lookup'], maxSteps: 5 });
    assert.equal(executeSpecOf(rendered.ext), undefined);
  });

  it('defaults maxSteps to 8', async () => {
    assert.deepEqual((await check('promptlab.agent:\n  tools: [calculate]')).frontmatter.agent, { tools: ['calculate'], maxSteps: 8 });
  });

  it('marks an unknown tool, a maxSteps out of range and a wrong shape where they are', async () => {
    const checked = await check('promptlab.agent:\n  tools: [search, browse, calculate]\n  maxSteps: 0\n  memory: yes');
    assert.deepEqual(where(checked.diagnostics), [
      ['error', 2, 18, 24, "Unknown tool 'browse'. The agent's tools are search, calculate, lookup."],
      ['error', 3, 12, 13, "'promptlab.agent.maxSteps' must be a whole number from 1 to 50; not number 0."],
      ['warning', 4, 2, 8, "Unknown key 'promptlab.agent.memory'. Known: tools, maxSteps."],
    ]);
    assert.equal(checked.ok, false);
    assert.equal(checked.frontmatter.agent, undefined);
    assert.deepEqual(where((await check('promptlab.agent: { tools: [calculate], maxSteps: 2.5 }')).diagnostics).map((d) => d.slice(0, 4)), [['error', 1, 49, 52]]);
    assert.match(where((await check('promptlab.agent: [search]')).diagnostics)[0]![4] as string, /must be a map of tools and maxSteps/);
    assert.match(where((await check('promptlab.agent: { maxSteps: 3 }')).diagnostics)[0]![4] as string, /needs its tools/);
    assert.match(where((await check('promptlab.agent: { tools: [] }')).diagnostics)[0]![4] as string, /lists no tool/);
  });
});

describe('promptlab.execute', () => {
  it('accepts javascript, and the render carries it', async () => {
    const checked = await check('promptlab.execute: javascript');
    assert.deepEqual(checked.diagnostics, []);
    assert.equal(checked.frontmatter.execute, 'javascript');
    assert.equal(executeSpecOf((await renderChecked(checked, {})).ext), 'javascript');
  });

  it('refuses other languages where the value is', async () => {
    assert.deepEqual(where((await check('promptlab.execute: python')).diagnostics), [
      ['error', 1, 19, 25, "'promptlab.execute' runs the completion's code in a JavaScript sandbox: its value must be 'javascript', not 'python'."],
    ]);
  });

  it('is not combined with promptlab.agent', async () => {
    const checked = await check('promptlab.agent: { tools: [calculate] }\npromptlab.execute: javascript');
    assert.deepEqual(where(checked.diagnostics).map((d) => d.slice(0, 4)), [['error', 2, 0, 17]]);
    assert.match(checked.diagnostics[0]!.message, /either a ReAct agent .* not both/);
  });
});
