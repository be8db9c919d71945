import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { datasetFileFor, loadDataset, validateVars, assertionFromString } from '../../src/core/eval';
import type { Dataset } from '../../src/core/eval';

const root = path.resolve(__dirname, '../../..');
const at = (dataset: Dataset, index: number) => `${dataset.tests[index]!.position.line + 1}:${dataset.tests[index]!.position.character + 1}`;
const where = (problem: { position: { line: number; character: number } }) => `${problem.position.line + 1}:${problem.position.character + 1}`;

describe('eval datasets', () => {
  it('names the dataset beside a prompt', () => {
    assert.equal(datasetFileFor('/w/prompts/summarize.prompt'), '/w/prompts/summarize.tests.yaml');
  });

  it('loads a YAML list of tests with the position of each', () => {
    const text = '- vars: { city: Paris }\n  assert:\n    - type: contains\n      value: France\n- description: second\n  vars:\n    city: Rome\n';
    const dataset = loadDataset(text, 'cities.tests.yaml');
    assert.deepEqual(dataset.problems, []);
    assert.equal(dataset.tests.length, 2);
    assert.deepEqual(dataset.tests[0]!.vars, { city: 'Paris' });
    assert.deepEqual(dataset.tests[0]!.assert, [{ type: 'contains', value: 'France' }]);
    assert.equal(at(dataset, 0), '1:3');
    assert.equal(at(dataset, 1), '5:3');
    assert.equal(dataset.tests[1]!.description, 'second');
  });

  // https://www.promptfoo.dev/docs/configuration/reference/ (defaultTest: "Sets the default properties for each test case")
  it('merges defaultTest as promptfoo does: vars merged (test wins), assertions concatenated, defaults first', () => {
    const text = [
      'defaultTest:',
      '  vars: { language: French, tone: formal }',
      '  assert:',
      '    - type: not-icontains',
      '      value: sorry',
      'tests:',
      '  - vars: { tone: casual, text: hello }',
      '    assert:',
      '      - type: icontains',
      '        value: bonjour',
      '  - vars: { text: bye }',
    ].join('\n');
    const dataset = loadDataset(text, 'x.yaml');
    assert.deepEqual(dataset.problems, []);
    assert.deepEqual(dataset.tests[0]!.vars, { language: 'French', tone: 'casual', text: 'hello' });
    assert.deepEqual(dataset.tests[0]!.assert!.map((a) => a.type), ['not-icontains', 'icontains']);
    assert.deepEqual(dataset.tests[1]!.assert!.map((a) => a.type), ['not-icontains']);
    assert.equal(at(dataset, 1), '11:5');
  });

  it('reports bad tests with file:line:column and field while the good ones load', () => {
    const text = [
      '- vars: { q: one }',             // 1: good
      '  assert:',
      '    - type: contains',
      '      value: a',
      '- vars: { q: two }',             // 5: unknown type
      '  assert:',
      '    - type: containz',
      '      value: a',
      '- vars: { q: three }',           // 9: bad threshold
      '  assert:',
      '    - type: rouge-n',
      '      value: ref',
      '      threshold: high',
      '- just text',                    // 14
      '- vars: [1, 2]',                 // 15
      '- vars: { q: six }',             // 16: threshold out of range, latency without one
      '  assert:',
      '    - type: bleu',
      '      threshold: 3',
      '    - type: latency',
    ].join('\n');
    const dataset = loadDataset(text, 'bad.tests.yaml');
    assert.equal(dataset.tests.length, 6);
    assert.deepEqual(dataset.tests[0]!.problems, []);
    const summary = dataset.problems.map((p) => `${p.file}:${where(p)} test ${p.test} ${p.field}: ${p.message}`);
    assert.match(summary[0]!, /^bad\.tests\.yaml:7:13 test 1 assert\[0\]\.type: Unknown assertion type `containz`/);
    assert.match(summary[1]!, /^bad\.tests\.yaml:13:18 test 2 assert\[0\]\.threshold: threshold must be a number, not the text "high"/);
    assert.match(summary[2]!, /^bad\.tests\.yaml:14:3 test 3 : A test must be a mapping/);
    assert.match(summary[3]!, /^bad\.tests\.yaml:15:9 test 4 vars: vars must be a mapping/);
    assert.match(summary[4]!, /^bad\.tests\.yaml:19:18 test 5 assert\[0\]\.threshold: threshold of bleu is a score from 0 to 1, not 3/);
    assert.match(summary[5]!, /^bad\.tests\.yaml:20:7 test 5 assert\[1\]: latency needs a threshold/);
    assert.equal(summary.length, 6);
  });

  it('loads JSON (a list or { tests, defaultTest }) with positions', () => {
    const text = '{\n  "defaultTest": { "assert": [{ "type": "is-json" }] },\n  "tests": [\n    { "vars": { "a": 1 } },\n    { "vars": { "a": 2 }, "assert": [{ "type": "nope" }] }\n  ]\n}\n';
    const dataset = loadDataset(text, 'd.json');
    assert.equal(dataset.tests.length, 2);
    assert.deepEqual(dataset.tests[0]!.assert, [{ type: 'is-json' }]);
    assert.equal(at(dataset, 1), '5:5');
    assert.equal(dataset.problems.length, 1);
    assert.equal(where(dataset.problems[0]!), '5:48');
    const broken = loadDataset('[{"vars": {"a": 1},}]', 'broken.json');
    assert.equal(broken.tests.length, 0);
    assert.equal(broken.problems.length, 1);
  });

  it('loads JSONL, a test per line, and places a broken line', () => {
    const text = '{"vars": {"q": "a"}, "assert": [{"type": "equals", "value": "A"}]}\n\n{"vars": {"q": "b"}}\n{"vars": \n{"vars": {"q": "d"}, "assert": [{"type": "regex", "value": "x", "threshold": "?"}]}\n';
    const dataset = loadDataset(text, 'cases.jsonl');
    assert.deepEqual(dataset.tests.map((test) => test.vars.q), ['a', 'b', 'd']);
    assert.deepEqual(dataset.tests.map((test) => test.position.line + 1), [1, 3, 5]);
    assert.equal(dataset.problems.length, 2);
    assert.equal(dataset.problems[0]!.position.line + 1, 4);
    assert.equal(where(dataset.problems[1]!), '5:78');
    assert.equal(dataset.problems[1]!.field, 'assert[0].threshold');
  });

  it('reads CSV with quotes, commas and newlines inside fields, __expected columns and __description', () => {
    const text = [
      'question,context,__expected1,__expected2,__description',
      '"What is ""2, 3""?","line one',
      'line two",contains: 2,"icontains-any: five, two",quoted',
      'Capital of France?,,Paris,not-contains: Berlin,',
      'Len?,x,javascript: output.length < 10,levenshtein(2): abc,third',
    ].join('\r\n');
    const dataset = loadDataset(text, 'cases.csv');
    assert.deepEqual(dataset.problems, []);
    assert.equal(dataset.tests.length, 3);
    const [first, second, third] = dataset.tests;
    assert.deepEqual(first!.vars, { question: 'What is "2, 3"?', context: 'line one\r\nline two' });
    assert.deepEqual(first!.assert, [{ type: 'contains', value: '2' }, { type: 'icontains-any', value: ['five', 'two'] }]);
    assert.equal(first!.description, 'quoted');
    assert.equal(first!.position.line + 1, 2);
    assert.deepEqual(second!.assert, [{ type: 'equals', value: 'Paris' }, { type: 'not-contains', value: 'Berlin' }]);
    assert.equal(second!.position.line + 1, 4);
    assert.deepEqual(third!.assert, [{ type: 'javascript', value: 'output.length < 10' }, { type: 'levenshtein', value: 'abc', threshold: 2 }]);
    assert.equal(third!.position.line + 1, 5);
  });

  it('reports CSV problems at the row, naming the column', () => {
    const dataset = loadDataset('q,__expected\na,contains: x\nb,"rouge-n(7): ref"\n', 't.csv');
    assert.equal(dataset.tests.length, 2);
    assert.deepEqual(dataset.tests[0]!.problems, []);
    assert.equal(dataset.problems.length, 1);
    assert.equal(where(dataset.problems[0]!), '3:1');
    assert.equal(dataset.problems[0]!.field, '__expected.threshold');
    const unclosed = loadDataset('q,a\n"open,1\n', 'u.csv');
    assert.equal(unclosed.tests.length, 0);
    assert.match(unclosed.problems[0]!.message, /^CSV: Quote Not Closed/);
  });

  it('parses __expected strings as promptfoo does', () => {
    assert.deepEqual(assertionFromString('Paris'), { type: 'equals', value: 'Paris' });
    assert.deepEqual(assertionFromString('grade: is polite'), { type: 'llm-rubric', value: 'is polite' });
    assert.deepEqual(assertionFromString('is-json'), { type: 'is-json' });
    assert.deepEqual(assertionFromString('not-starts-with: Sorry'), { type: 'not-starts-with', value: 'Sorry' });
    assert.deepEqual(assertionFromString('contains-alls: x'), { type: 'equals', value: 'contains-alls: x' });
  });

  it('refuses prototype keys with a positioned problem and pollutes nothing', () => {
    const text = '- vars:\n    __proto__: { polluted: true }\n    constructor: x\n    ok: 1\n- vars: { fine: 1 }\n';
    const dataset = loadDataset(text, 'p.yaml');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(dataset.problems.map((p) => `${where(p)} ${p.field}`), ['2:5 vars.__proto__', '3:5 vars.constructor']);
    assert.deepEqual(Object.keys(dataset.tests[0]!.vars), ['ok']);
    assert.equal(Object.getPrototypeOf(dataset.tests[0]!.vars), Object.prototype);
    const json = loadDataset('[{"vars": {"__proto__": {"polluted": 1}}}]', 'p.json');
    assert.equal(json.problems[0]!.field, 'vars.__proto__');
    const csv = loadDataset('__proto__,q\n1,2\n', 'p.csv');
    assert.equal(csv.problems[0]!.field, '__proto__');
    assert.deepEqual(csv.tests[0]!.vars, { q: '2' });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('turns a YAML alias bomb into a positioned problem', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    lines.push('tests: [*i]');
    const dataset = loadDataset(lines.join('\n'), 'bomb.yaml');
    assert.equal(dataset.tests.length, 0);
    assert.equal(dataset.problems.length, 1);
    assert.match(dataset.problems[0]!.message, /aliases expand too far/);
    assert.equal(where(dataset.problems[0]!), '2:8');
  });

  it('checks vars against the prompt input schema, at the var', () => {
    const dataset = loadDataset('- vars:\n    text: 12\n    extra: 1\n- vars: { text: fine }\n', 'v.yaml');
    const schema = { type: 'object', properties: { text: { type: 'string' }, label: { type: 'string' } }, required: ['text', 'label'], additionalProperties: false };
    const problems = validateVars(dataset.tests[0]!, schema);
    assert.deepEqual(problems.map((p) => `${where(p)} ${p.field}`), ['1:3 vars.label', '2:5 vars.text', '3:5 vars.extra']);
    assert.deepEqual(validateVars(dataset.tests[1]!, schema, { label: 'x' }), []);
  });

  describe("promptfoo's own example (examples/simple-test, MIT)", () => {
    const dir = path.join(root, 'test/fixtures/promptfoo-simple-test');
    it('loads promptfooconfig.yaml: supported tests as written, the others reported', () => {
      const dataset = loadDataset(readFileSync(path.join(dir, 'promptfooconfig.yaml'), 'utf8'), 'promptfooconfig.yaml');
      assert.equal(dataset.tests.length, 5);
      assert.deepEqual(dataset.tests[0]!.vars, { body: 'Yes' });
      assert.deepEqual(dataset.tests.slice(0, 3).map((t) => t.problems.length), [0, 0, 0]);
      assert.deepEqual(dataset.tests[1]!.assert, [{ type: 'icontains', value: 'grub' }]);
      assert.deepEqual(dataset.problems.map((p) => `${where(p)} ${p.field}`), ['37:15 assert[1].type', '41:15 assert[2].type', '53:9 assert[1]']);
    });
    it('loads tests.csv', () => {
      const dataset = loadDataset(readFileSync(path.join(dir, 'tests.csv'), 'utf8'), 'tests.csv');
      assert.deepEqual(dataset.problems, []);
      assert.deepEqual(dataset.tests.map((t) => t.assert![0]!.type), ['javascript', 'javascript', 'is-json']);
      assert.equal(dataset.tests[1]!.vars.body, "I'm hungry");
    });
  });
});
