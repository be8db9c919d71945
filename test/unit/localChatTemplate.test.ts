// The local backend's chat-template path, on a copy of the test model whose GGUF metadata carries a
// `tokenizer.chat_template` (written by test/support/ggufChatTemplate.ts): the template's markers
// reach the model through the backend, `prompt-lab run`, `prompt-lab compare` and serve's
// /v1/chat/completions; the model without a template stays in completion mode.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ChatMessage } from '../../src/backends/backend';
import type { ComparisonRecord } from '../../src/core/comparison';
import { ggufHeaderProblem } from '../../src/backends/local/ggufHeader';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { startOpenAIServer } from '../../src/serve/openaiServer';
import { writeWithChatTemplate } from '../support/ggufChatTemplate';
import { cli } from '../support/inProcessCli';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const STORY = path.join(root, 'prompts/continue-story.prompt');
/** Every message as `<<role>> content` on its own line, then `<<assistant>>`: markers no story has. */
const TEMPLATE = "{% for message in messages %}{{ '<<' + message['role'] + '>> ' + message['content'] + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<<assistant>>' }}{% endif %}";
const MESSAGES: ChatMessage[] = [{ role: 'system', content: 'Tell a story.' }, { role: 'user', content: 'Once upon a time, there was a little cat.' }];

describe('local backend: a model with a chat template (stories260K with tokenizer.chat_template)', function () {
  this.timeout(120000);
  let scratch: string;
  let chatModel: string;
  const backends: LocalBackend[] = [];
  const backend = (modelPath: string) => {
    const created = new LocalBackend({ id: 'local', kind: 'local', modelPath }, {}, { env: {} });
    backends.push(created);
    return created;
  };

  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-chat-template-'));
    chatModel = path.join(scratch, 'stories260K-chat.gguf');
    writeWithChatTemplate(STORIES_MODEL, chatModel, TEMPLATE);
  });
  after(async () => {
    await Promise.all(backends.map((b) => b.dispose()));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('renders the messages with the template: its markers are in the prompt\'s tokens; the model without one gets the raw text', async () => {
    assert.equal(await ggufHeaderProblem(chatModel), undefined);
    const chat = await backend(chatModel).tokenizePrompt(MESSAGES);
    assert.equal(chat.mode, 'chat');
    const text = chat.tokens.map((token) => token.text).join('');
    assert.match(text, /<<system>> Tell a story\.\s*\n<<user>> Once upon a time, there was a little cat\.\s*\n<<assistant>>\s*$/);
    const plain = await backend(STORIES_MODEL).tokenizePrompt(MESSAGES);
    assert.equal(plain.mode, 'completion');
    assert.doesNotMatch(plain.tokens.map((token) => token.text).join(''), /<</);
    assert.ok(chat.tokens.length > plain.tokens.length + 10, `${chat.tokens.length} chat tokens, ${plain.tokens.length} raw`);
  });

  it('generates in chat mode from the templated prompt, deterministic at T=0', async () => {
    const local = backend(chatModel);
    const expected = (await local.tokenizePrompt(MESSAGES)).tokens.length;
    const run = () => local.generate({ model: '', messages: MESSAGES, config: { temperature: 0, maxOutputTokens: 16 } });
    const [first, second] = await Promise.all([run(), run()]);
    assert.equal(first!.error, undefined);
    assert.equal(first!.parameters.mode, 'chat');
    assert.equal(first!.usage.promptTokens, expected);
    assert.equal(first!.usage.completionTokens, 16);
    assert.equal(second!.text, first!.text);
  });

  it('prompt-lab run and compare use the template (chat mode, the markers\' tokens counted)', async () => {
    const ran = await cli('run', STORY, '--backend', 'local', '--model-path', chatModel, '--json', '--temperature', '0', '--max-tokens', '8');
    assert.equal(ran.code, 0, ran.stderr);
    const chatResult = JSON.parse(ran.stdout);
    const plainRun = await cli('run', STORY, '--backend', 'local', '--model-path', STORIES_MODEL, '--json', '--temperature', '0', '--max-tokens', '8');
    assert.equal(plainRun.code, 0, plainRun.stderr);
    const plainResult = JSON.parse(plainRun.stdout);
    assert.equal(chatResult.parameters.mode, 'chat');
    assert.equal(plainResult.parameters.mode, 'completion');
    // `<<user>> ` before the story and `\n<<assistant>>` after it: more tokens than the raw text.
    assert.ok(chatResult.usage.promptTokens > plainResult.usage.promptTokens + 5, `${chatResult.usage.promptTokens} vs ${plainResult.usage.promptTokens}`);

    const compared = await cli('compare', STORY, '--backend', 'local', '--model-path', chatModel, '--json', '--temperatures', '0,1', '--samples', '2', '--seed', '3', '--max-tokens', '8');
    assert.equal(compared.code, 0, compared.stderr);
    const record = JSON.parse(compared.stdout) as ComparisonRecord;
    assert.equal(record.cells.length, 4);
    for (const cell of record.cells) {
      assert.equal(cell.result?.parameters.mode, 'chat');
      assert.equal(cell.result?.usage.promptTokens, chatResult.usage.promptTokens);
    }
  });

  it('serve\'s /v1/chat/completions applies the template: prompt_tokens are the templated prompt\'s', async () => {
    const local = backend(chatModel);
    const expected = (await local.tokenizePrompt(MESSAGES)).tokens.length;
    const server = await startOpenAIServer({ backend: local, model: 'stories260K-chat', port: 0 });
    try {
      const response = await fetch(`${server.url}/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'stories260K-chat', messages: MESSAGES, max_tokens: 8, temperature: 0 }),
      });
      assert.equal(response.status, 200);
      const body = await response.json() as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
      assert.equal(body.usage.prompt_tokens, expected);
      assert.equal(body.usage.completion_tokens, 8);
      const direct = await local.generate({ model: '', messages: MESSAGES, config: { temperature: 0, maxOutputTokens: 8 } });
      assert.equal(body.choices[0]!.message.content, direct.text);
    } finally {
      await server.close();
    }
  });
});
