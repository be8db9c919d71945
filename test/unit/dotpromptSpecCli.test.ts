// Dotprompt's conformance suite (../shared/peers/dotprompt-spec) through `prompt-lab render`, as a
// user runs it: each case's template written as a .prompt file, its partials as _name.prompt beside
// it, its input in --input-file (an object, or one value for a scalar schema); the command's
// `dotprompt` JSON must equal the case's expected render. Cases whose data a command line cannot give
// (a conversation history, @context data, render options, registered schemas or tools) are counted
// and must stay those few.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cli } from '../support/inProcessCli';

const SPEC = path.resolve(__dirname, '../../../../shared/peers/dotprompt-spec');

interface SpecCase {
  name: string;
  template: string;
  data?: Record<string, unknown>;
  schemas?: unknown;
  tools?: unknown;
  partials?: Record<string, string>;
  resolverPartials?: Record<string, string>;
  tests: { desc?: string; data?: Record<string, unknown>; expect: Record<string, unknown>; options?: unknown }[];
}

const withDefaults = (expected: Record<string, unknown>) => ({
  ...expected, ext: expected.ext ?? {}, config: expected.config ?? {}, metadata: expected.metadata ?? {},
});

describe('Dotprompt conformance suite through prompt-lab render', function () {
  this.timeout(20000);
  const files = existsSync(SPEC) ? readdirSync(SPEC, { recursive: true }).map(String).filter((file) => file.endsWith('.yaml')).sort() : [];
  let scratch: string;
  let rendered = 0;
  const inexpressible: string[] = [];
  before(() => { scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-spec-')); });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
    assert.ok(files.length > 0, `${SPEC} is missing`);
    // 117 cases; only those with data a command line cannot give are left out.
    assert.ok(rendered >= 100, `only ${rendered} cases rendered through the CLI`);
    assert.ok(inexpressible.length <= 12, `left out: ${inexpressible.join('; ')}`);
  });

  let index = 0;
  for (const file of files) {
    describe(file.replace(/\.yaml$/, ''), () => {
      const suites: SpecCase[] = parse(readFileSync(path.join(SPEC, file), 'utf8'));
      for (const suite of suites) {
        for (const test of suite.tests) {
          const id = index++;
          it(`${suite.name}: ${test.desc ?? 'renders as expected'}`, async () => {
            const data = { ...suite.data, ...test.data };
            const { input, ...rest } = data;
            if (Object.keys(rest).length > 0 || test.options || suite.schemas || suite.tools) {
              inexpressible.push(`${file} ${suite.name} (${[...Object.keys(rest), ...(test.options ? ['options'] : []), ...(suite.schemas ? ['schemas'] : []), ...(suite.tools ? ['tools'] : [])].join(', ')})`);
              return;
            }
            const folder = path.join(scratch, String(id));
            mkdirSync(folder);
            for (const [name, text] of Object.entries({ ...suite.resolverPartials, ...suite.partials })) writeFileSync(path.join(folder, `_${name}.prompt`), text);
            const prompt = path.join(folder, 'case.prompt');
            writeFileSync(prompt, suite.template);
            const argv = ['render', prompt, '--json'];
            if (input !== undefined) {
              writeFileSync(path.join(folder, 'input.json'), JSON.stringify(input));
              argv.push('--input-file', path.join(folder, 'input.json'));
            }
            const { code, stdout, stderr } = await cli(...argv);
            assert.equal(code, 0, stderr);
            // Findings are warnings on stderr, never errors.
            assert.doesNotMatch(stderr, /: error: /);
            const { raw, ...dotprompt } = (JSON.parse(stdout) as { dotprompt: Record<string, unknown> }).dotprompt;
            const { raw: expectedRaw, ...expected } = test.expect;
            assert.deepEqual(dotprompt, withDefaults(expected));
            if (expectedRaw) assert.deepEqual(raw, expectedRaw);
            rendered++;
          });
        }
      }
    });
  }
});
