// Assertions against promptfoo's documented examples. Pages cited:
// DET = https://www.promptfoo.dev/docs/configuration/expected-outputs/deterministic/
// JS  = https://www.promptfoo.dev/docs/configuration/expected-outputs/javascript/
// MG  = https://www.promptfoo.dev/docs/configuration/expected-outputs/model-graded/ (llm-rubric, factuality, g-eval, answer-relevance)
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { judgePromptReader, runAssertion, runAssertions, testOutcome } from '../../src/core/eval';
import type { Assertion, AssertionContext, AssertionResult, JudgeMessage } from '../../src/core/eval';
import { runInSandbox } from '../../src/core/eval/assertions/javascript';
import { JUDGE_PROMPTS } from '../../src/core/eval/judgePrompts';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';

const root = path.resolve(__dirname, '../../..');
const ctx = (output: string, extra: Partial<AssertionContext> = {}): AssertionContext => ({ output, allowCode: true, ...extra });
const check = (assertion: Assertion, output: string, extra: Partial<AssertionContext> = {}) => runAssertion(assertion, ctx(output, extra));
const passes = async (assertion: Assertion, output: string, extra: Partial<AssertionContext> = {}) => (await check(assertion, output, extra)).pass;

describe('eval assertions: deterministic (DET)', () => {
  it('equals: exact text, and JSON deep equality for an object value', async () => {
    assert.equal(await passes({ type: 'equals', value: 'The expected output' }, 'The expected output'), true);
    assert.equal(await passes({ type: 'equals', value: 'The expected output' }, 'The expected output.'), false);
    assert.equal(await passes({ type: 'equals', value: { key: 'value', n: [1, 2] } }, '{"n":[1,2],"key":"value"}'), true);
    assert.equal(await passes({ type: 'equals', value: { key: 'value' } }, '{"key":"other"}'), false);
  });

  it('contains / icontains and their negations', async () => {
    assert.equal(await passes({ type: 'contains', value: 'The expected substring' }, 'Here is The expected substring.'), true);
    assert.equal(await passes({ type: 'contains', value: 'the expected substring' }, 'Here is The expected substring.'), false);
    assert.equal(await passes({ type: 'icontains', value: 'the expected substring' }, 'Here is The expected substring.'), true);
    const negated = await check({ type: 'not-contains', value: 'sorry' }, 'I am sorry, I cannot');
    assert.deepEqual([negated.pass, negated.score, negated.reason], [false, 0, 'Output contains "sorry"']);
    assert.equal(await passes({ type: 'not-icontains', value: 'SORRY' }, 'Certainly!'), true);
  });

  it('contains-any / contains-all / icontains-any / icontains-all, lists and comma-separated text', async () => {
    assert.equal(await passes({ type: 'contains-any', value: ['Value 1', 'Value 2'] }, 'it is Value 2'), true);
    assert.equal(await passes({ type: 'contains-any', value: ['Value 1', 'Value 2'] }, 'it is value 2'), false);
    assert.equal(await passes({ type: 'icontains-any', value: ['red', 'blue', 'green'] }, 'A BLUE sky'), true);
    assert.equal(await passes({ type: 'contains-all', value: 'Value 1, Value 2' }, 'Value 2 and Value 1'), true);
    const missing = await check({ type: 'contains-all', value: ['Value 1', 'Value 2'] }, 'Value 1 only');
    assert.equal(missing.pass, false);
    assert.match(missing.reason, /"Value 2"/);
    assert.equal(await passes({ type: 'icontains-all', value: ['value 1', 'VALUE 2'] }, 'Value 1, Value 2'), true);
    assert.equal(await passes({ type: 'not-contains-any', value: ['error', 'fail'] }, 'all good'), true);
  });

  it('starts-with and regex; a bad pattern is an error, also under not-', async () => {
    assert.equal(await passes({ type: 'starts-with', value: 'Yes' }, 'Yes, of course'), true);
    assert.equal(await passes({ type: 'starts-with', value: 'Yes' }, ' Yes'), false);
    assert.equal(await passes({ type: 'regex', value: '\\d{4}' }, 'In 1969, Apollo'), true);
    assert.equal(await passes({ type: 'not-regex', value: '\\d{4}' }, 'no year'), true);
    const bad = await check({ type: 'not-regex', value: '(' }, 'x');
    assert.deepEqual([bad.pass, bad.error, bad.score], [false, true, 0]);
  });

  it('is-json with and without a schema (the latitude/longitude example), as an object or YAML text', async () => {
    const schema = {
      required: ['latitude', 'longitude'], type: 'object',
      properties: { latitude: { type: 'number', minimum: -90, maximum: 90 }, longitude: { type: 'number', minimum: -180, maximum: 180 } },
    };
    assert.equal(await passes({ type: 'is-json' }, '{"a": 1}'), true);
    assert.equal(await passes({ type: 'is-json' }, 'Sure! {"a": 1}'), false);
    assert.equal(await passes({ type: 'is-json', value: schema }, '{"latitude": 48.85, "longitude": 2.35}'), true);
    const out = await check({ type: 'is-json', value: schema }, '{"latitude": 148.85}');
    assert.equal(out.pass, false);
    assert.match(out.reason, /longitude|latitude/);
    const yamlSchema = 'type: object\nrequired: [name]\nproperties:\n  name: { type: string }\n';
    assert.equal(await passes({ type: 'is-json', value: yamlSchema }, '{"name": "x"}'), true);
    assert.equal(await passes({ type: 'is-json', value: yamlSchema }, '{"name": 3}'), false);
    assert.equal((await check({ type: 'is-json', value: { type: 'nonsense' } }, '{}')).error, true);
  });

  it('contains-json finds JSON inside text, and checks it against a schema', async () => {
    const text = 'Here you go:\n```json\n{"city": "Paris", "country": {"name": "France"}}\n```\nAnything else?';
    assert.equal(await passes({ type: 'contains-json' }, text), true);
    assert.equal(await passes({ type: 'contains-json' }, 'no json {here'), false);
    assert.equal(await passes({ type: 'contains-json', value: { type: 'object', required: ['city'] } }, text), true);
    assert.equal(await passes({ type: 'contains-json', value: { type: 'object', required: ['zip'] } }, text), false);
    assert.equal(await passes({ type: 'not-contains-json' }, 'plain words'), true);
  });

  it('levenshtein: distance at most the threshold (default 5)', async () => {
    assert.equal(await passes({ type: 'levenshtein', value: 'hello world', threshold: 5 }, 'hello, world!'), true);
    assert.equal(await passes({ type: 'levenshtein', value: 'hello world' }, 'goodbye world'), false); // 6 edits
    assert.equal(await passes({ type: 'levenshtein', value: 'kitten', threshold: 3 }, 'sitting'), true);
    assert.equal(await passes({ type: 'levenshtein', value: 'kitten', threshold: 2 }, 'sitting'), false);
  });

  it('rouge-n, rouge-l and bleu: scores from the project metrics, thresholds, negation as 1 − score', async () => {
    const reference = 'The cat sat on the mat';
    const same = await check({ type: 'rouge-n', value: reference }, 'the cat sat on the mat');
    assert.deepEqual([same.pass, same.score], [true, 1]);
    const half = await check({ type: 'rouge-n', value: reference }, 'the dog sat on a rug');
    assert.equal(half.pass, false); // 3 of 6 unigrams: F1 0.5 < 0.75
    assert.ok(Math.abs(half.score - 0.5) < 1e-9);
    assert.equal(await passes({ type: 'rouge-n', value: reference, threshold: 0.5 }, 'the dog sat on a rug'), true);
    const notRouge = await check({ type: 'not-rouge-l', value: reference, threshold: 0.9 }, 'the dog sat on a rug');
    assert.equal(notRouge.pass, true);
    assert.ok(Math.abs(notRouge.score - 0.5) < 1e-9); // LCS "the sat on": 3/6
    assert.equal(await passes({ type: 'bleu', value: reference }, 'The cat sat on the mat'), true);
    assert.equal(await passes({ type: 'bleu', value: ['Something else entirely', reference] }, 'The cat sat on the mat'), true);
    const low = await check({ type: 'bleu', value: reference }, 'A dog ran in the park');
    assert.equal(low.pass, false);
    assert.ok(low.score < 0.5);
  });

  it('word-count: exact, min/max, and a bad value as an error', async () => {
    assert.equal(await passes({ type: 'word-count', value: 5 }, 'one two three four five'), true);
    assert.equal(await passes({ type: 'word-count', value: { min: 20, max: 50 } }, 'too short'), false);
    assert.equal(await passes({ type: 'word-count', value: { min: 2 } }, '  two  words \n'), true);
    assert.equal(await passes({ type: 'word-count', value: { max: 1 } }, ''), true);
    assert.equal((await check({ type: 'word-count', value: 'five' }, 'x')).error, true);
  });

  it('latency and cost against thresholds; unmeasured is an error, never a pass', async () => {
    assert.equal(await passes({ type: 'latency', threshold: 5000 }, 'x', { latencyMs: 1200 }), true);
    assert.equal(await passes({ type: 'latency', threshold: 1000 }, 'x', { latencyMs: 1200 }), false);
    assert.equal((await check({ type: 'latency', threshold: 1000 }, 'x')).error, true);
    assert.equal((await check({ type: 'not-latency', threshold: 1000 }, 'x')).pass, false);
    assert.equal(await passes({ type: 'cost', threshold: 0.001 }, 'x', { cost: 0.0004 }), true);
    assert.equal(await passes({ type: 'cost', threshold: 0.001 }, 'x', { cost: 0.002 }), false);
  });

  it('perplexity = exp(−mean logprob) and perplexity-score = 1 / (1 + perplexity)', async () => {
    const logprobs = [Math.log(0.5), Math.log(0.5), Math.log(0.25)]; // mean −(2 ln2 + ln4)/3 → perplexity 2^(4/3)
    const expected = 2 ** (4 / 3);
    const p = await check({ type: 'perplexity', threshold: 3 }, 'x', { logprobs });
    assert.equal(p.pass, true);
    assert.match(p.reason, new RegExp(expected.toFixed(3)));
    assert.equal(await passes({ type: 'perplexity', threshold: 2 }, 'x', { logprobs }), false);
    const score = await check({ type: 'perplexity-score', threshold: 0.25 }, 'x', { logprobs });
    assert.ok(Math.abs(score.score - 1 / (1 + expected)) < 1e-12);
    assert.equal(score.pass, true);
    assert.equal((await check({ type: 'perplexity' }, 'x')).error, true);
  });
});

describe('eval assertions: javascript in the QuickJS sandbox (JS)', function () {
  this.timeout(20000);
  it('an expression, a function body, numbers and grading results, as promptfoo', async () => {
    assert.equal(await passes({ type: 'javascript', value: "output.toLowerCase().includes('ahoy')" }, 'Ahoy matey'), true);
    assert.equal(await passes({ type: 'javascript', value: 'output.length < 10' }, 'a long answer indeed'), false);
    assert.equal(await passes({ type: 'javascript', value: 'context.vars.topic === "cats" && output.includes("cat")' }, 'a cat', { vars: { topic: 'cats' } }), true);
    const body = "if (output === 'Expected output') {\n  return { pass: true, score: 0.5, reason: 'matched' };\n}\nreturn { pass: false, score: 0, reason: 'no' };";
    const graded = await check({ type: 'javascript', value: body }, 'Expected output');
    assert.deepEqual([graded.pass, graded.score, graded.reason], [true, 0.5, 'matched']);
    const scored = await check({ type: 'javascript', value: 'Math.log(output.length) / Math.log(100)', threshold: 0.5 }, 'x'.repeat(50));
    assert.equal(scored.pass, true);
    assert.ok(Math.abs(scored.score - Math.log(50) / Math.log(100)) < 1e-12);
    assert.equal(await passes({ type: 'javascript', value: '0' }, 'x'), false);
    assert.equal(await passes({ type: 'not-javascript', value: 'output.length > 3' }, 'ab'), true);
    const odd = await check({ type: 'javascript', value: '"yes"' }, 'x');
    assert.equal(odd.error, true);
    assert.match(odd.reason, /must return a boolean/);
  });

  it('has no require, process, fetch or host globals', async () => {
    const { json } = await runInSandbox('[typeof require, typeof process, typeof fetch, typeof globalThis.__input, typeof std, typeof os, typeof setTimeout]', '', { vars: {} });
    assert.deepEqual(JSON.parse(json!), Array(7).fill('undefined'));
    const thrown = await check({ type: 'javascript', value: "require('fs').readFileSync('/etc/passwd', 'utf8').length > 0" }, 'x');
    assert.equal(thrown.error, true);
    assert.match(thrown.reason, /ReferenceError/);
  });

  it('interrupts an infinite loop at the time limit', async () => {
    const started = Date.now();
    const result = await check({ type: 'javascript', value: 'while (true) {}\nreturn true' }, 'x');
    assert.equal(result.error, true);
    assert.match(result.reason, /longer than 1000 ms/);
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses a 1 GB allocation, survives a stack overflow, and runs the next assertion', async () => {
    const memory = await check({ type: 'javascript', value: 'new ArrayBuffer(1024 * 1024 * 1024).byteLength > 0' }, 'x');
    assert.equal(memory.error, true);
    assert.match(memory.reason, /more than 32 MB/);
    const deep = await check({ type: 'javascript', value: 'function f() { return f() }\nreturn f()' }, 'x');
    assert.equal(deep.error, true);
    assert.match(deep.reason, /stack overflow/);
    assert.equal(await passes({ type: 'javascript', value: 'output === "still fine"' }, 'still fine'), true);
  });

  it('is an error, saying why, when code is not allowed (Restricted Mode)', async () => {
    const result = await check({ type: 'javascript', value: 'true' }, 'x', { allowCode: false });
    assert.deepEqual([result.pass, result.error], [false, true]);
    assert.match(result.reason, /Restricted Mode/);
    assert.equal((await check({ type: 'not-javascript', value: 'false' }, 'x', { allowCode: false })).pass, false);
  });
});

describe('eval assertions: model-graded (MG)', () => {
  const readJudgePrompt = judgePromptReader(root);
  const judgeAnswering = (...answers: string[]) => {
    const seen: JudgeMessage[][] = [];
    const judge = async (messages: JudgeMessage[]) => { seen.push(messages); return answers[seen.length - 1] ?? ''; };
    return { judge, seen };
  };

  it('ships judge prompts that check clean as Dotprompt files', async () => {
    for (const name of JUDGE_PROMPTS) {
      const checked = await checkPrompt(await readJudgePrompt(name), memoryEnvironment());
      assert.deepEqual(checked.diagnostics.map((d) => `${name}: ${d.message}`), []);
    }
  });

  it('llm-rubric renders the judge prompt file and reads {reason, pass, score}', async () => {
    const { judge, seen } = judgeAnswering('Thinking... {"reason": "It is polite", "pass": true, "score": 0.9}');
    const result = await check({ type: 'llm-rubric', value: 'Is not apologetic and provides a clear, concise answer' }, 'Paris.', { judge, readJudgePrompt });
    assert.deepEqual([result.pass, result.score, result.reason, result.judge?.verdict.includes('"pass": true')], [true, 0.9, 'It is polite', true]);
    assert.equal(seen[0]![0]!.role, 'system');
    assert.match(seen[0]![0]!.content, /grading output according to a user-specified rubric/);
    assert.equal(seen[0]![1]!.content, '<Output>\nParis.\n</Output>\n<Rubric>\nIs not apologetic and provides a clear, concise answer\n</Rubric>');
    const below = await check({ type: 'llm-rubric', value: 'funny', threshold: 0.95 }, 'x', { judge: judgeAnswering('{"reason": "meh", "pass": true, "score": 0.9}').judge, readJudgePrompt });
    assert.equal(below.pass, false);
  });

  it('a judge that answers garbage or throws is an error, never a pass, with the reason kept', async () => {
    const garbage = await check({ type: 'llm-rubric', value: 'x' }, 'y', { judge: judgeAnswering('Once upon a time there was a cat.').judge, readJudgePrompt });
    assert.deepEqual([garbage.pass, garbage.error, garbage.judge?.verdict], [false, true, 'Once upon a time there was a cat.']);
    const negated = await check({ type: 'not-llm-rubric', value: 'x' }, 'y', { judge: judgeAnswering('{"nothing": 1}').judge, readJudgePrompt });
    assert.deepEqual([negated.pass, negated.error], [false, true]);
    const thrown = await check({ type: 'factuality', value: 'x' }, 'y', { judge: async () => { throw new Error('429 rate limited'); }, readJudgePrompt });
    assert.equal(thrown.error, true);
    assert.match(thrown.reason, /429 rate limited/);
    assert.equal((await check({ type: 'llm-rubric', value: 'x' }, 'y')).error, true); // no judge configured
  });

  it('factuality: choice letters, JSON or as OpenAI evals write them; D fails, A B C E pass', async () => {
    const opts = (answer: string) => ({ judge: judgeAnswering(answer).judge, readJudgePrompt, prompt: 'What is the capital of California?' });
    const value = 'Sacramento is the capital of California';
    assert.equal(await passes({ type: 'factuality', value }, 'Sacramento.', opts('{"category": "A", "reason": "subset"}')), true);
    assert.equal(await passes({ type: 'factuality', value }, 'Los Angeles.', opts('{"category": "D", "reason": "disagree"}')), false);
    assert.equal(await passes({ type: 'factuality', value }, 'Sacramento, since 1854.', opts('The submission adds a date.\n(B)')), true);
    assert.equal(await passes({ type: 'factuality', value }, 'x', opts('E')), true);
    assert.equal((await check({ type: 'factuality', value }, 'x', opts('I cannot tell.'))).error, true);
    const { judge, seen } = judgeAnswering('(C)');
    await check({ type: 'factuality', value }, 'Sacramento', { judge, readJudgePrompt, prompt: 'What is the capital of California?' });
    assert.match(seen[0]![0]!.content, /\[Question\]: What is the capital of California\?\n\*+\n\[Expert\]: Sacramento is the capital of California\n\*+\n\[Submission\]: Sacramento/);
  });

  it('g-eval asks for steps, then a 0–10 score (normalised; threshold default 0.7)', async () => {
    const { judge, seen } = judgeAnswering('{"steps": ["Read it", "Check coherence"]}', '{"score": 8, "reason": "coherent"}');
    const result = await check({ type: 'g-eval', value: 'Coherence' }, 'A tidy answer', { judge, readJudgePrompt, prompt: 'Explain tides' });
    assert.deepEqual([result.pass, result.score], [true, 0.8]);
    assert.match(seen[1]![0]!.content, /1\. Read it\n2\. Check coherence/);
    assert.match(seen[1]![1]!.content, /Explain tides[\s\S]*A tidy answer/);
    const low = await check({ type: 'g-eval', value: 'Coherence' }, 'x', { judge: judgeAnswering('{"steps": ["a"]}', '{"score": 6}').judge, readJudgePrompt });
    assert.equal(low.pass, false);
    const noSteps = await check({ type: 'g-eval', value: 'Coherence' }, 'x', { judge: judgeAnswering('steps: none').judge, readJudgePrompt });
    assert.equal(noSteps.error, true);
  });

  it('answer-relevance reads the query var and a 0–1 score', async () => {
    const { judge, seen } = judgeAnswering('{"reason": "on topic", "score": 0.85}');
    const result = await check({ type: 'answer-relevance' }, 'Paris is the capital.', { judge, readJudgePrompt, vars: { query: 'What is the capital of France?' } });
    assert.deepEqual([result.pass, result.score], [true, 0.85]);
    assert.match(seen[0]![1]!.content, /What is the capital of France\?[\s\S]*Paris is the capital\./);
    assert.equal((await check({ type: 'answer-relevance', threshold: 0.9 }, 'x', { judge: judgeAnswering('{"score": 1.5}').judge, readJudgePrompt, vars: { query: 'q' } })).error, true);
  });
});

describe('eval test outcome', () => {
  const result = (pass: boolean, score: number, weight = 1, extra: Partial<AssertionResult> = {}): AssertionResult => ({ type: 'x', pass, score, reason: 'r', weight, ...extra });

  it('weights the score, passes only when every counted assertion passes', () => {
    const outcome = testOutcome([result(true, 1, 3), result(false, 0, 1, { metric: 'tone' })]);
    assert.deepEqual([outcome.pass, outcome.score, outcome.namedScores], [false, 0.75, { tone: 0 }]);
    assert.equal(testOutcome([result(true, 1), result(false, 0, 0)]).pass, true); // weight 0: reported, not counted
    assert.deepEqual([testOutcome([]).pass, testOutcome([]).score], [true, 1]);
  });

  it('a test threshold decides on the score instead (promptfoo threshold), but an error still fails', () => {
    assert.equal(testOutcome([result(true, 1, 3), result(false, 0)], { threshold: 0.7 }).pass, true);
    assert.equal(testOutcome([result(true, 1), result(false, 0)], { threshold: 0.7 }).pass, false);
    const errored = testOutcome([result(true, 1, 9), result(false, 0, 1, { error: true })], { threshold: 0.5 });
    assert.deepEqual([errored.pass, errored.error], [false, true]);
  });

  it('runs a test’s assertions in order', async () => {
    const results = await runAssertions([{ type: 'contains', value: 'a' }, { type: 'not-contains', value: 'b', weight: 2, metric: 'clean' }, { type: 'bogus' }], ctx('abc'));
    assert.deepEqual(results.map((r) => [r.type, r.pass, r.weight, r.metric, r.error]), [['contains', true, 1, undefined, undefined], ['not-contains', false, 2, 'clean', undefined], ['bogus', false, 1, undefined, true]]);
  });
});
