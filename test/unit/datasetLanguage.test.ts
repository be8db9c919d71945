import * as assert from 'node:assert/strict';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { datasetCompletionSite, datasetProblems, isDatasetFile, promptFileForDataset } from '../../src/core/datasetLanguage';
import { memoryEnvironment } from '../../src/core/promptEnvironment';

const prompt = '---\ninput:\n  schema:\n    city: string\n    days?: integer\n---\nPlan {{days}} days in {{city}}.\n';
const where = (problem: { position: { line: number; character: number } }) => `${problem.position.line + 1}:${problem.position.character + 1}`;
/** The completion site at the `|` in `text`. */
const siteAt = (text: string) => datasetCompletionSite(text.replace('|', ''), text.indexOf('|'));

describe('datasets in the editor', () => {
  it('knows dataset files and the prompt each belongs to', () => {
    for (const name of ['trip.tests.yaml', 'trip.tests.yml', 'trip.tests.json', 'trip.tests.jsonl', 'trip.tests.csv', 'Trip.TESTS.YAML']) assert.ok(isDatasetFile(name), name);
    for (const name of ['trip.yaml', 'tests.yaml', 'trip.tests.txt', 'trip.prompt']) assert.ok(!isDatasetFile(name), name);
    assert.equal(promptFileForDataset('trip.tests.jsonl'), 'trip.prompt');
    assert.equal(promptFileForDataset('trip.formal.tests.yaml'), 'trip.formal.prompt');
    assert.equal(promptFileForDataset('trip.yaml'), undefined);
  });

  it('reports the dataset\'s own problems and vars that do not fit the prompt\'s schema, each where it is', async () => {
    const checked = await checkPrompt(prompt, memoryEnvironment());
    const text = [
      '- vars: { city: Paris, days: 3 }',
      '  assert:',
      '    - type: contians',
      '      value: Louvre',
      '- vars:',
      '    days: two',
      '- vars:',
      '    city: Rome',
      '  assert:',
      '    - type: rouge-n',
      '      threshold: 7',
      '',
    ].join('\n');
    const problems = await datasetProblems(text, 'trip.tests.yaml', checked);
    const summary = problems.map((problem) => `${where(problem)} ${problem.field}: ${problem.message}`);
    assert.equal(problems.length, 4, summary.join('\n'));
    assert.match(summary.find((line) => line.startsWith('3:'))!, /assert\[0\]\.type: Unknown assertion type `contians`/);
    assert.match(summary.find((line) => line.startsWith('11:'))!, /threshold of rouge-n is a score from 0 to 1, not 7/);
    // The second test: `city` is required, `days` must be an integer.
    const second = problems.filter((problem) => problem.test === 1).map((problem) => problem.field).sort();
    assert.deepEqual(second, ['vars.city', 'vars.days']);
    assert.equal(where(problems.find((problem) => problem.field === 'vars.days')!), '6:5');
  });

  it('checks vars only against a prompt that is there and checks clean', async () => {
    const text = '- vars: { town: Paris }\n';
    assert.deepEqual(await datasetProblems(text, 'trip.tests.yaml'), []);
    const broken = await checkPrompt('---\ninput: [\n---\nHi\n', memoryEnvironment());
    assert.deepEqual(await datasetProblems(text, 'trip.tests.yaml', broken), []);
    const checked = await checkPrompt(prompt, memoryEnvironment());
    assert.ok((await datasetProblems(text, 'trip.tests.yaml', checked)).length > 0);
  });

  it('places var problems in CSV and JSONL datasets too', async () => {
    const checked = await checkPrompt(prompt, memoryEnvironment());
    const csv = await datasetProblems('city,days\nParis,3\n,4\n', 'trip.tests.csv', checked);
    // CSV values are text: `days` must be an integer, so every row is told so.
    assert.ok(csv.some((problem) => problem.field === 'vars.days'), JSON.stringify(csv));
    const jsonl = await datasetProblems('{"vars":{"city":"Paris"}}\n{"vars":{"days":2}}\n', 'trip.tests.jsonl', checked);
    assert.deepEqual(jsonl.map((problem) => [problem.test, problem.field, where(problem).split(':')[0]]), [[1, 'vars.city', '2']]);
  });

  it('completes assertion types after type:', () => {
    const text = '- vars: {}\n  assert:\n    - type: con|';
    assert.deepEqual(siteAt(text), { kind: 'assertionType', start: text.indexOf('con') });
    assert.equal(siteAt('- vars: {}\n  assert:\n    - type: |')?.kind, 'assertionType');
    assert.equal(siteAt('- vars: {}\n  assert:\n    - value: con|'), undefined);
  });

  it('completes var names as keys under vars:, leaving out those already there', () => {
    const text = '- description: one\n  vars:\n    city: Paris\n    d|\n    note: x\n  assert: []\n';
    const site = siteAt(text);
    assert.equal(site?.kind, 'varName');
    assert.deepEqual(site?.kind === 'varName' && site.existing.sort(), ['city', 'note']);
    assert.equal(siteAt('- vars:\n    |')?.kind, 'varName');
    assert.equal(siteAt('defaultTest:\n  vars:\n    |')?.kind, 'varName');
    // Not under vars: an assertion's keys, a test's own keys, a value.
    assert.equal(siteAt('- vars:\n    city: Paris\n  assert:\n    - type: contains\n      |'), undefined);
    assert.equal(siteAt('- vars:\n    city: Paris\n  |'), undefined);
    assert.equal(siteAt('- vars:\n    city: Pa|'), undefined);
  });
});
