// Dotprompt's own conformance suite (../shared/peers/dotprompt-spec, from google/dotprompt `spec/`),
// run through Prompt Lab's rendering: every case through renderDotprompt, the function all of
// Prompt Lab's renders go through, compared as the upstream harness (js/test/spec.test.ts) compares;
// and the cases a .prompt file can express (no render options, no named schemas or tools) also
// through the whole path a run takes (checkPrompt + renderChecked), which must give the same messages.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Dotprompt, type DataArgument, type JSONSchema, type ToolDefinition } from 'dotprompt';
import { parse } from 'yaml';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { parsePrompt, renderDotprompt } from '../../src/core/dotprompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { InputError, renderChecked } from '../../src/core/render';

const SPEC = path.resolve(__dirname, '../../../../shared/peers/dotprompt-spec');

interface SpecSuite {
  name: string;
  template: string;
  data?: DataArgument;
  schemas?: Record<string, JSONSchema>;
  tools?: Record<string, ToolDefinition>;
  partials?: Record<string, string>;
  resolverPartials?: Record<string, string>;
  tests: { desc?: string; data: DataArgument; expect: Record<string, unknown>; options?: Record<string, unknown> }[];
}

const withDefaults = (expected: Record<string, unknown>) => ({
  ...expected, ext: expected.ext ?? {}, config: expected.config ?? {}, metadata: expected.metadata ?? {},
});
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('Dotprompt conformance suite', () => {
  it('is present', () => assert.ok(existsSync(SPEC), `${SPEC} is missing`));

  const files = existsSync(SPEC) ? readdirSync(SPEC, { recursive: true }).map(String).filter((file) => file.endsWith('.yaml')).sort() : [];
  let fullPath = 0;

  for (const file of files) {
    describe(file.replace(/\.yaml$/, ''), () => {
      const suites: SpecSuite[] = parse(readFileSync(path.join(SPEC, file), 'utf8'));
      for (const suite of suites) {
        for (const test of suite.tests) {
          it(`${suite.name}: ${test.desc ?? 'renders as expected'}`, async () => {
            const registry = {
              schemas: suite.schemas, tools: suite.tools, partials: suite.partials,
              partialResolver: (name: string) => suite.resolverPartials?.[name] ?? null,
            };
            const data = { ...suite.data, ...test.data };
            const result = await renderDotprompt(suite.template, data, test.options, registry);
            const { raw, ...rendered } = result;
            const { raw: expectedRaw, ...expected } = test.expect;
            assert.deepEqual(plain(rendered), withDefaults(expected));
            if (expectedRaw) assert.deepEqual(plain(raw), expectedRaw);

            const expressibleAsFile = !test.options && !suite.schemas && !suite.tools && !data.context && !data.docs;
            if (!expressibleAsFile) return;
            const environment = memoryEnvironment({ ...suite.resolverPartials, ...suite.partials });
            const checked = await checkPrompt(suite.template, environment);
            if (!checked.ok) return; // Prompt Lab refuses what Dotprompt renders loosely; tested elsewhere
            try {
              const run = await renderChecked(checked, { input: data.input, history: data.messages });
              assert.deepEqual(plain(run.messages), plain(result.messages));
              fullPath++;
            } catch (error) {
              // Prompt Lab validates inputs against the schema first; Dotprompt does not.
              if (!(error instanceof InputError)) throw error;
            }
          });
        }
      }
    });
  }

  after(() => {
    // Guards against the full-path comparison silently covering nothing.
    assert.ok(fullPath >= 100, `only ${fullPath} cases went through the whole run path`);
  });
});

describe('parsePrompt mirrors Dotprompt.parse', () => {
  it('gives the same ParsedPrompt for every template of the suite and the prompt library', () => {
    const root = path.resolve(__dirname, '../../..');
    const library = readdirSync(path.join(root, 'prompts')).filter((f) => f.endsWith('.prompt')).map((f) => readFileSync(path.join(root, 'prompts', f), 'utf8'));
    const suite = existsSync(SPEC) ? readdirSync(SPEC, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml'))
      .flatMap((file) => (parse(readFileSync(path.join(SPEC, file), 'utf8')) as SpecSuite[]).map((s) => s.template)) : [];
    const odd = ['', '---\n---\nx', '---\n\n---\nx', '---\nmodel: a\n---', '---\n: bad: yaml: [\n---\nx', 'no frontmatter', '---\na.b.c: 1\nx.y: 2\nplain: 3\n---\n  body  \n'];
    const sources = [...library, ...suite, ...odd];
    assert.ok(sources.length > 50, `${sources.length} sources`);
    const dotprompt = new Dotprompt();
    const quiet = console.error;
    console.error = () => undefined; // Dotprompt logs the YAML error of the odd case
    try {
      for (const source of sources) assert.deepEqual(plain(parsePrompt(source)), plain(dotprompt.parse(source)), JSON.stringify(source.slice(0, 60)));
    } finally {
      console.error = quiet;
    }
  });
});
