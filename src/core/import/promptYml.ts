// GitHub Models `.prompt.yml` (github/gh-models, pkg/prompt/prompt.go) ↔ Dotprompt. `messages`
// become `{{role}}` blocks, `modelParameters` the config, `responseFormat`/`jsonSchema` the output;
// `testData` and `evaluators` become a promptfoo-shaped dataset (`<name>.tests.yaml`) that Prompt
// Lab's eval reads. gh-models fills `{{var}}` in evaluator strings from each test's data, which
// promptfoo-style assertions do not: an evaluator that uses test data is written into each test
// with its values filled in, the others once in `defaultTest`. What has no counterpart is listed.
import { stringify } from 'yaml';
import { parseHandlebars } from '../check/handlebarsParse';
import { FRONTMATTER_AND_BODY } from '../promptSource';
import {
  ConversionError, isRecord, mapConfig, typeOfValue, variablesIn, writePromptFile, YamlSource,
  type ConversionResult, type ConversionWarning, type NeutralPrompt, type Role,
} from './common';

const ROLES: Record<string, Role> = { system: 'system', developer: 'system', user: 'user', assistant: 'model' };
const TOP_KEYS = new Set(['name', 'description', 'model', 'modelParameters', 'responseFormat', 'jsonSchema', 'messages', 'testData', 'evaluators']);

/** gh-models' string evaluators → promptfoo's assertion types (endsWith has none: an anchored regex). */
const STRING_CHECKS: Record<string, string> = { contains: 'contains', equals: 'equals', startsWith: 'starts-with', endsWith: 'regex' };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unescapeRegex = (text: string): string | undefined => (/(^|[^\\])[.*+?^${}()|[\]]/.test(text) ? undefined : text.replace(/\\(.)/g, '$1'));
const fill = (template: string, vars: Record<string, unknown>): string =>
  template.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

interface Assertion { type: string; value?: unknown; metric?: string }

/** An assertion's value for one test: its `{{var}}` filled in, then (endsWith) made an anchored regex. */
const valueFor = (check: string, template: string, vars: Record<string, unknown>): string =>
  (check === 'endsWith' ? `${escapeRegex(fill(template, vars))}$` : fill(template, vars));

export function importPromptYml(text: string, file: string): ConversionResult {
  const source = new YamlSource(text.replace(/^\uFEFF/, ''));
  if (source.errors.length > 0) throw new ConversionError(file, source.errors[0]!);
  const data = source.value;
  if (!isRecord(data)) throw new ConversionError(file, { line: 1, column: 1, message: 'A .prompt.yml file is a YAML mapping with messages' });
  if (!Array.isArray(data.messages) || data.messages.length === 0) throw new ConversionError(file, source.at(['messages'], 'A .prompt.yml file needs a list of messages'));
  const warnings: ConversionWarning[] = [...source.repeats];
  for (const key of Object.keys(data)) if (!TOP_KEYS.has(key)) warnings.push(source.at([key], `${key} is not carried over (not a .prompt.yml key Prompt Lab knows)`));

  const prompt: NeutralPrompt = { config: mapConfig(source, ['modelParameters'], data.modelParameters, warnings, 'modelParameters'), inputs: [], defaults: {}, messages: [] };
  if (typeof data.name === 'string') prompt.name = data.name;
  if (typeof data.description === 'string') prompt.description = data.description;
  if (typeof data.model === 'string') prompt.model = data.model;
  data.messages.forEach((message, index) => {
    const role = isRecord(message) && typeof message.role === 'string' ? ROLES[message.role] : undefined;
    if (!role || !isRecord(message) || typeof message.content !== 'string') {
      warnings.push(source.at(['messages', index], 'a message without a known role (system, user, assistant) and text content: not carried over'));
      return;
    }
    if (message.role === 'developer') warnings.push(source.at(['messages', index], 'the role \'developer\' becomes Dotprompt\'s \'system\''));
    prompt.messages.push({ role, template: message.content });
  });
  if (data.responseFormat === 'json_object' || data.responseFormat === 'json_schema') {
    prompt.output = { format: 'json' };
    if (typeof data.jsonSchema === 'string') {
      try {
        const parsed = JSON.parse(data.jsonSchema) as unknown;
        prompt.output.jsonSchema = isRecord(parsed) && isRecord(parsed.schema) ? parsed.schema : parsed;
        if (isRecord(parsed) && (parsed.name !== undefined || parsed.strict !== undefined)) warnings.push(source.at(['jsonSchema'], 'jsonSchema\'s name and strict are not carried over: output.schema holds its schema'));
      } catch (error) {
        warnings.push(source.at(['jsonSchema'], `jsonSchema is not JSON (${(error as Error).message}): not carried over`));
      }
    }
  } else if (data.responseFormat !== undefined && data.responseFormat !== 'text') warnings.push(source.at(['responseFormat'], `responseFormat '${String(data.responseFormat)}' is not carried over`));

  const testData = Array.isArray(data.testData) ? data.testData.filter(isRecord) : [];
  if (data.testData !== undefined && testData.length !== (Array.isArray(data.testData) ? data.testData.length : -1)) warnings.push(source.at(['testData'], 'testData items that are not mappings are not carried over'));
  const used = new Set(prompt.messages.flatMap((message) => variablesIn(message.template)));
  for (const name of used) prompt.inputs.push({ name, type: 'string', optional: false });
  // Test data keys the messages do not use (expected answers, evaluator values) are optional inputs,
  // so the dataset's vars fit the prompt's schema.
  for (const name of new Set(testData.flatMap((item) => Object.keys(item)))) {
    if (!used.has(name)) prompt.inputs.push({ name, type: typeOfValue(testData.find((item) => name in item)![name]), optional: true });
  }
  const dataset = testData.length > 0 || Array.isArray(data.evaluators) ? writeDataset(source, testData, data.evaluators, warnings) : undefined;
  return { text: writePromptFile(prompt), ...(dataset !== undefined ? { dataset } : {}), warnings };
}

function writeDataset(source: YamlSource, testData: Record<string, unknown>[], evaluators: unknown, warnings: ConversionWarning[]): string {
  const shared: Assertion[] = [];
  const perTest: (Assertion & { check: string; template: string })[] = [];
  (Array.isArray(evaluators) ? evaluators : []).forEach((evaluator, index) => {
    const at = (message: string) => warnings.push(source.at(['evaluators', index], message));
    if (!isRecord(evaluator)) return at('an evaluator that is not a mapping: not carried over');
    const name = typeof evaluator.name === 'string' ? evaluator.name : `evaluator ${index + 1}`;
    if (evaluator.uses !== undefined) return at(`the evaluator '${name}' uses the built-in '${String(evaluator.uses)}', which Prompt Lab does not have: not carried over`);
    if (evaluator.llm !== undefined) return at(`the LLM evaluator '${name}' (a grader prompt with scored choices) is not carried over: write it as an llm-rubric assertion`);
    if (!isRecord(evaluator.string)) return at(`the evaluator '${name}' has no string check: not carried over`);
    for (const [check, value] of Object.entries(evaluator.string)) {
      const type = STRING_CHECKS[check];
      if (!type || typeof value !== 'string') { at(`the string check '${check}' of '${name}' is not carried over`); continue; }
      if (variablesIn(value).length > 0) perTest.push({ type, metric: name, check, template: value });
      else shared.push({ type, value: valueFor(check, value, {}), metric: name });
    }
  });
  const tests = testData.map((vars) => {
    const test: Record<string, unknown> = { vars };
    if (perTest.length > 0) test.assert = perTest.map(({ type, metric, check, template }) => ({ type, value: valueFor(check, template, vars), metric }));
    return test;
  });
  const dataset: Record<string, unknown> = {};
  if (shared.length > 0) dataset.defaultTest = { assert: shared };
  dataset.tests = tests;
  return stringify(dataset, { lineWidth: 0 });
}

/** A .prompt file (and its dataset's text, when it has one) → `.prompt.yml`. */
export function exportPromptYml(promptText: string, file: string, dataset?: { text: string; file: string }): ConversionResult {
  const match = FRONTMATTER_AND_BODY.exec(promptText.replace(/^\uFEFF/, ''));
  const warnings: ConversionWarning[] = [];
  const source = new YamlSource(match ? match[1]! : '', 1);
  if (match && source.errors.length > 0) throw new ConversionError(file, source.errors[0]!);
  warnings.push(...source.repeats);
  const data = match ? source.value ?? {} : {};
  if (!isRecord(data)) throw new ConversionError(file, { line: 2, column: 1, message: 'The frontmatter must be a YAML mapping' });
  const bodyLine = match ? promptText.slice(0, match.indices![2]![0]).split(/\r\n|\r|\n/).length : 1;
  const body = match ? match[2]! : promptText;

  const out: Record<string, unknown> = {};
  if (typeof data.name === 'string') out.name = data.name;
  if (typeof data.description === 'string') out.description = data.description;
  if (typeof data.model === 'string') out.model = data.model;
  for (const key of Object.keys(data)) {
    if (!['name', 'description', 'model', 'config', 'input', 'output'].includes(key)) warnings.push(source.at([key], `${key} has no .prompt.yml equivalent: not carried over`));
  }
  const config = isRecord(data.config) ? data.config : {};
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const name = { temperature: 'temperature', topP: 'topP', maxOutputTokens: 'maxTokens' }[key];
    if (name) parameters[name] = value;
    else warnings.push(source.at(['config', key], `config.${key} has no .prompt.yml modelParameter (temperature, topP, maxTokens): not carried over`));
  }
  if (Object.keys(parameters).length > 0) out.modelParameters = parameters;
  const input = isRecord(data.input) ? data.input : {};
  if (isRecord(input.schema)) {
    for (const [key, type] of Object.entries(input.schema)) {
      if (typeof type !== 'string' || !/^string\b/.test(type)) warnings.push(source.at(['input', 'schema', key], `the input '${key.replace(/[?(].*$/, '')}' is not text: .prompt.yml fills {{var}} with text only`));
    }
  }
  if (input.default !== undefined) warnings.push(source.at(['input', 'default'], 'input.default has no .prompt.yml equivalent (give the values in testData): not carried over'));
  const output = isRecord(data.output) ? data.output : undefined;
  if (output?.format === 'json') {
    out.responseFormat = output.schema !== undefined ? 'json_schema' : 'json_object';
    if (output.schema !== undefined) {
      if (isRecord(output.schema) && typeof output.schema.type === 'string') out.jsonSchema = JSON.stringify({ name: typeof data.name === 'string' ? data.name.replace(/\W+/g, '_') : 'output', schema: output.schema }, null, 2);
      else { warnings.push(source.at(['output', 'schema'], 'a Picoschema output schema is not carried over (.prompt.yml takes JSON Schema): responseFormat json_object'));
        out.responseFormat = 'json_object'; }
    }
  }
  out.messages = messagesOf(body, file, bodyLine, warnings);
  if (dataset) Object.assign(out, testsOf(dataset.text, dataset.file, warnings));
  return { text: stringify(out, { lineWidth: 0 }), warnings };
}

/** The body's `{{role}}` blocks as messages; Handlebars beyond `{{var}}` is kept as written and listed. */
function messagesOf(body: string, file: string, firstLine: number, warnings: ConversionWarning[]): { role: string; content: string }[] {
  const messages: { role: string; content: string }[] = [];
  let current: { role: string; content: string } | undefined;
  const lineStarts = [0];
  for (let i = 0; i < body.length; i++) if (body[i] === '\n') lineStarts.push(i + 1);
  const offsetOf = (line: number, column: number) => lineStarts[line - 1]! + column;
  const parsed = parseHandlebars(body);
  if ('error' in parsed) throw new ConversionError(file, { line: firstLine + parsed.error.line - 1, column: parsed.error.column + 1, message: `The template does not parse: ${parsed.error.message}` });
  const program = parsed.ast;
  const append = (text: string) => {
    current ??= (messages.push({ role: 'user', content: '' }), messages[messages.length - 1]!);
    current.content += text;
  };
  for (const statement of program.body) {
    const loc = statement.loc;
    const raw = loc ? body.slice(offsetOf(loc.start.line, loc.start.column), offsetOf(loc.end.line, loc.end.column)) : '';
    if (statement.type === 'ContentStatement') { append((statement as unknown as { original: string }).original); continue; }
    if (statement.type === 'CommentStatement') continue;
    const mustache = statement as unknown as { type: string; path?: { type: string; original: string }; params?: { type: string; value?: unknown }[]; hash?: unknown };
    if (mustache.type === 'MustacheStatement' && mustache.path?.type === 'PathExpression') {
      const name = mustache.path.original;
      if (name === 'role' && mustache.params?.[0]?.type === 'StringLiteral') {
        const role = String(mustache.params[0].value);
        current = { role: role === 'model' ? 'assistant' : role, content: '' };
        messages.push(current);
        continue;
      }
      if (!mustache.params?.length && !mustache.hash && /^[A-Za-z_][\w.]*$/.test(name) && name !== 'history') { append(`{{${name}}}`); continue; }
    }
    warnings.push({ line: firstLine + (loc?.start.line ?? 1) - 1, column: (loc?.start.column ?? 0) + 1, message: `${raw.split('\n')[0]} has no .prompt.yml equivalent (it fills only {{var}}): kept as written` });
    append(raw);
  }
  return messages.map((message) => ({ role: message.role, content: message.content.replace(/^\n+|\s+$/g, '') })).filter((message) => message.content !== '');
}

/** A promptfoo-shaped dataset → testData and evaluators. Assertions in every test that fill a test
 * var become one evaluator with `{{var}}`, as the import wrote them. */
function testsOf(text: string, file: string, warnings: ConversionWarning[]): Record<string, unknown> {
  const source = new YamlSource(text);
  const note = (message: string) => warnings.push({ message: `${file}: ${message}` });
  const [unreadable] = source.errors;
  if (unreadable) {
    note(`${unreadable.line}:${unreadable.column}: ${unreadable.message}: its tests are not carried over`);
    return {};
  }
  for (const repeat of source.repeats) note(`${repeat.line}:${repeat.column}: ${repeat.message}`);
  const value = source.value;
  const tests = (Array.isArray(value) ? value : isRecord(value) && Array.isArray(value.tests) ? value.tests : []).filter(isRecord);
  const defaults = isRecord(value) && isRecord(value.defaultTest) && Array.isArray(value.defaultTest.assert) ? value.defaultTest.assert.filter(isRecord) : [];
  const evaluators: Record<string, unknown>[] = [];
  /** `template`: the value is already what the evaluator says (`{{var}}`), not a regex to undo. */
  const evaluatorOf = (assertion: Record<string, unknown>, value: string, template = false): Record<string, unknown> | undefined => {
    const type = String(assertion.type);
    const check = Object.entries(STRING_CHECKS).find(([, name]) => name === type)?.[0];
    let checked = value;
    if (type === 'regex' && !template) {
      const plain = value.endsWith('$') && !value.startsWith('^') ? unescapeRegex(value.slice(0, -1)) : undefined;
      if (plain === undefined) return undefined;
      checked = plain;
    }
    if (!check) return undefined;
    return { name: typeof assertion.metric === 'string' ? assertion.metric : `${type} ${checked}`.slice(0, 40), string: { [check]: checked } };
  };
  for (const assertion of defaults) {
    const evaluator = typeof assertion.value === 'string' ? evaluatorOf(assertion, assertion.value) : undefined;
    if (evaluator) evaluators.push(evaluator);
    else note(`the assertion ${String(assertion.type)} has no .prompt.yml string evaluator (contains, equals, startsWith, endsWith): not carried over`);
  }
  // Per-test assertions: the i-th assertion of every test, with its value a var's value in each.
  const asserts = tests.map((test) => (Array.isArray(test.assert) ? test.assert.filter(isRecord) : []));
  const count = Math.max(0, ...asserts.map((list) => list.length));
  for (let i = 0; i < count; i++) {
    const column = asserts.map((list) => list[i]);
    const first = column[0];
    const sameType = first && column.every((assertion) => assertion && assertion.type === first.type && assertion.metric === first.metric);
    const varName = sameType ? Object.keys(tests[0]!.vars as object ?? {}).find((name) => column.every((assertion, t) => {
      const vars = (tests[t]!.vars ?? {}) as Record<string, unknown>;
      const expected = assertion!.type === 'regex' ? `${escapeRegex(String(vars[name]))}$` : String(vars[name]);
      return name in vars && assertion!.value === expected;
    })) : undefined;
    const evaluator = varName !== undefined ? evaluatorOf({ ...first!, value: undefined }, `{{${varName}}}`, true) : undefined;
    if (evaluator) evaluators.push(evaluator);
    else note(`the assertion ${i + 1} of each test differs from test to test in a way .prompt.yml evaluators (one list for every test) cannot say: not carried over`);
  }
  const out: Record<string, unknown> = {};
  if (tests.length > 0) out.testData = tests.map((test) => (isRecord(test.vars) ? test.vars : {}));
  for (const test of tests) for (const key of Object.keys(test)) if (!['vars', 'assert'].includes(key)) note(`the test field ${key} has no .prompt.yml equivalent: not carried over`);
  if (evaluators.length > 0) out.evaluators = evaluators;
  return out;
}
