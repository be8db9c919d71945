// Microsoft Prompty (`.prompty`) → Dotprompt. Both generations of the format are read: v1
// (`model.api`, `model.configuration`, `model.parameters`, `inputs` as a mapping, `sample`) and v2
// (`model.id`/`provider`/`options`, `inputs` as a list). The body's role lines (`system:`, `user:`,
// `assistant:`) become `{{role}}` blocks and its Jinja-style template becomes Handlebars where the
// two mean the same (`{{var}}`, `{% if %}`, `{% for x in xs %}`); everything else is a warning.
import { FRONTMATTER_AND_BODY } from '../promptSource';
import {
  ConversionError, isRecord, mapConfig, typeOfValue, variablesIn, writePromptFile, YamlSource,
  type ConversionResult, type ConversionWarning, type NeutralInput, type NeutralPrompt, type Role,
} from './common';

/** Prompty's role boundary (runtime/typescript/packages/core/src/parsers/prompty.ts): a line with
 * only a role name, optionally `#`-prefixed and with `[name="…"]` attributes, then a colon. */
const ROLE_LINE = /^\s*#?\s*(system|user|assistant|developer|function|tool)(\[[^\]]*\])?\s*:\s*$/i;
const ROLES: Record<string, Role> = { system: 'system', developer: 'system', user: 'user', assistant: 'model', function: 'tool', tool: 'tool' };

/** Keys that only describe the file: no Dotprompt key holds them. */
const DESCRIPTIVE_KEYS = new Set(['authors', 'tags', 'version', 'metadata', 'base']);
const KNOWN_KEYS = new Set(['name', 'description', 'model', 'inputs', 'inputSchema', 'sample', 'template', ...DESCRIPTIVE_KEYS]);

/** Prompty's provider names → the backend id a Prompt Lab user most likely configured for it. */
const PROVIDERS: Record<string, string> = { openai: 'openai', azure_openai: 'azure', azure: 'azure', foundry: 'azure', serverless: 'azure' };

export function importPrompty(text: string, file: string): ConversionResult {
  const match = FRONTMATTER_AND_BODY.exec(text.replace(/^\uFEFF/, ''));
  const warnings: ConversionWarning[] = [];
  if (!match) throw new ConversionError(file, { line: 1, column: 1, message: 'A .prompty file starts with YAML frontmatter between --- lines' });
  const frontmatterText = match[1]!;
  const bodyLine = text.slice(0, match.indices![2]![0]).split(/\r\n|\r|\n/).length;
  const source = new YamlSource(frontmatterText, 1);
  if (source.errors.length > 0) throw new ConversionError(file, source.errors[0]!);
  warnings.push(...source.repeats);
  const data = source.value ?? {};
  if (!isRecord(data)) throw new ConversionError(file, { line: 2, column: 1, message: 'The frontmatter must be a YAML mapping' });

  const prompt: NeutralPrompt = { config: {}, inputs: [], defaults: {}, messages: [] };
  if (typeof data.name === 'string') prompt.name = data.name;
  if (typeof data.description === 'string') prompt.description = data.description;
  for (const key of Object.keys(data)) {
    if (DESCRIPTIVE_KEYS.has(key)) warnings.push(source.at([key], `${key} has no Dotprompt equivalent: not carried over`));
    else if (!KNOWN_KEYS.has(key)) warnings.push(source.at([key], `${key} is not carried over (no Dotprompt equivalent)`));
  }
  readModel(source, data.model, prompt, warnings);
  const threads = readInputs(source, data, prompt, warnings);
  readTemplate(source, data.template, warnings);

  prompt.messages = splitMessages(match[2]!, bodyLine, threads, warnings);
  if (prompt.messages.length === 0) throw new ConversionError(file, { line: bodyLine, column: 1, message: 'The body has no messages' });
  // Variables the template uses that no input declares: declared, so the prompt says what it needs.
  for (const name of new Set(prompt.messages.flatMap((message) => variablesIn(message.template)))) {
    if (!prompt.inputs.some((input) => input.name === name) && !threads.has(name)) {
      prompt.inputs.push({ name, type: name in prompt.defaults ? typeOfValue(prompt.defaults[name]) : 'string', optional: name in prompt.defaults });
    }
  }
  return { text: writePromptFile(prompt), warnings };
}

function readModel(source: YamlSource, model: unknown, prompt: NeutralPrompt, warnings: ConversionWarning[]): void {
  if (model === undefined || model === null) return;
  if (typeof model === 'string') {
    prompt.model = model;
    return;
  }
  if (!isRecord(model)) {
    warnings.push(source.at(['model'], 'model is neither a name nor a mapping: not carried over'));
    return;
  }
  // v1: api, configuration {type, azure_deployment | model | name, endpoint…}, parameters, response.
  // v2: id, provider, apiType, connection, options.
  const configuration = isRecord(model.configuration) ? model.configuration : {};
  const name = [model.id, configuration.azure_deployment, configuration.model, configuration.name].find((value) => typeof value === 'string') as string | undefined;
  const providerName = [model.provider, configuration.type].find((value) => typeof value === 'string') as string | undefined;
  const provider = providerName ? PROVIDERS[providerName.toLowerCase()] : undefined;
  if (providerName && !provider) warnings.push(source.at(['model', model.provider !== undefined ? 'provider' : 'configuration'], `the provider '${providerName}' has no Prompt Lab backend kind: the model is written without a provider and runs on the default backend`));
  if (name) prompt.model = provider ? `${provider}/${name}` : name;
  const api = model.api ?? model.apiType;
  if (api !== undefined && api !== 'chat') warnings.push(source.at(['model', model.api !== undefined ? 'api' : 'apiType'], `model ${model.api !== undefined ? 'api' : 'apiType'} '${String(api)}' is not carried over: Prompt Lab sends chat messages (or a completion prompt to models without a chat template)`));
  const connection = model.connection ?? (Object.keys(configuration).some((key) => !['type', 'azure_deployment', 'model', 'name'].includes(key)) ? configuration : undefined);
  if (connection !== undefined) {
    warnings.push(source.at(['model', model.connection !== undefined ? 'connection' : 'configuration'], `connection settings (endpoints, keys, API versions) are not carried over: configure the backend${provider ? ` '${provider}'` : ''} in promptLab.backends (keys with Prompt Lab: Set API Key)`));
  }
  const parametersKey = model.parameters !== undefined ? 'parameters' : 'options';
  Object.assign(prompt.config, mapConfig(source, ['model', parametersKey], model[parametersKey], warnings, `model.${parametersKey}`));
  const rest = Object.keys(model).filter((key) => !['id', 'provider', 'api', 'apiType', 'configuration', 'connection', 'parameters', 'options'].includes(key));
  for (const key of rest) warnings.push(source.at(['model', key], `model.${key} is not carried over (no Dotprompt equivalent)`));
}

/** Inputs and their defaults: v1 `inputs: {name: {type, description, default}}` and `sample`, v2
 * `inputs: [{name, kind, description, default, required}]` (or `inputSchema.properties`). Returns
 * the names of thread inputs (the conversation), which become Dotprompt's `{{history}}`. */
function readInputs(source: YamlSource, data: Record<string, unknown>, prompt: NeutralPrompt, warnings: ConversionWarning[]): Set<string> {
  const threads = new Set<string>();
  const add = (path: (string | number)[], name: string, spec: Record<string, unknown>) => {
    const kind = String(spec.type ?? spec.kind ?? 'string').toLowerCase();
    if (kind === 'thread') {
      threads.add(name);
      warnings.push(source.at(path, `the thread input '${name}' becomes Dotprompt's {{history}}: pass the conversation as the run's history`));
      return;
    }
    const type = ['string', 'number', 'integer', 'boolean'].includes(kind) ? kind : kind === 'float' ? 'number' : 'any';
    if (type === 'any' && kind !== 'any') warnings.push(source.at(path, `the input '${name}' of kind '${kind}' is declared as any`));
    const input: NeutralInput = { name, type, optional: spec.default !== undefined || spec.required === false };
    if (typeof spec.description === 'string') input.description = spec.description;
    prompt.inputs.push(input);
    if (spec.default !== undefined) prompt.defaults[name] = spec.default;
  };
  const list = Array.isArray(data.inputs) ? data.inputs : isRecord(data.inputSchema) && Array.isArray(data.inputSchema.properties) ? data.inputSchema.properties : undefined;
  const listPath = Array.isArray(data.inputs) ? ['inputs'] : ['inputSchema', 'properties'];
  if (list) {
    list.forEach((item, index) => {
      if (isRecord(item) && typeof item.name === 'string') add([...listPath, index], item.name, item);
      else warnings.push(source.at([...listPath, index], 'an input without a name: not carried over'));
    });
  } else if (isRecord(data.inputs)) {
    for (const [name, spec] of Object.entries(data.inputs)) add(['inputs', name], name, isRecord(spec) ? spec : { type: typeof spec === 'string' ? spec : 'any' });
  } else if (data.inputs !== undefined) warnings.push(source.at(['inputs'], 'inputs is neither a list nor a mapping: not carried over'));
  if (data.sample !== undefined) {
    if (isRecord(data.sample)) {
      for (const [name, value] of Object.entries(data.sample)) prompt.defaults[name] ??= value;
    } else warnings.push(source.at(['sample'], 'sample is not a mapping of input values (a file reference is not read): not carried over'));
  }
  for (const name of threads) delete prompt.defaults[name];
  // A sample value for a name no input declares: declared by it, so the prompt renders with it.
  for (const [name, value] of Object.entries(prompt.defaults)) {
    if (!prompt.inputs.some((input) => input.name === name)) prompt.inputs.push({ name, type: typeOfValue(value), optional: true });
  }
  // Sample values the template uses are the prompt's defaults; inputs they fill become optional.
  for (const input of prompt.inputs) if (input.name in prompt.defaults) input.optional = true;
  return threads;
}

function readTemplate(source: YamlSource, template: unknown, warnings: ConversionWarning[]): void {
  if (template === undefined) return;
  const format = isRecord(template) ? (isRecord(template.format) ? template.format.kind : template.format) : template;
  if (format !== undefined && !['jinja2', 'mustache', 'handlebars'].includes(String(format))) {
    warnings.push(source.at(['template'], `the template format '${String(format)}' is read as Jinja-style {{var}} templates`));
  }
}

/** The body's messages: a role line starts one; text before any role line is the system message. */
function splitMessages(body: string, firstLine: number, threads: Set<string>, warnings: ConversionWarning[]): NeutralPrompt['messages'] {
  const messages: { role: Role; lines: string[]; line: number }[] = [];
  let current: { role: Role; lines: string[]; line: number } | undefined;
  body.split(/\r\n|\r|\n/).forEach((text, index) => {
    const line = firstLine + index;
    const role = ROLE_LINE.exec(text);
    if (role) {
      const name = role[1]!.toLowerCase();
      if (name === 'developer' || name === 'function' || name === 'tool') warnings.push({ line, column: 1, message: `the role '${name}' becomes Dotprompt's '${ROLES[name]}'` });
      if (role[2]) warnings.push({ line, column: text.indexOf('[') + 1, message: `the role attributes ${role[2]} are not carried over` });
      current = { role: ROLES[name]!, lines: [], line: line + 1 };
      messages.push(current);
      return;
    }
    if (!current) {
      if (text.trim() === '') return;
      current = { role: 'system', lines: [], line };
      messages.push(current);
    }
    if (/^\s*\{\{[^}]*\}\}\s*:\s*$/.test(text)) warnings.push({ line, column: 1, message: 'a role named by a template expression is not a role in Dotprompt: the line is kept as text' });
    current.lines.push(text);
  });
  return messages
    .map((message) => ({ role: message.role, template: convertJinja(message.lines.join('\n'), message.line, threads, warnings) }))
    .filter((message) => message.template.trim() !== '');
}

const IDENTIFIER_PATH = /^[A-Za-z_]\w*(\.\w+)*$/;

/** Jinja-style template text → Handlebars: what both mean the same is converted, the rest is kept
 * as literal text (escaped, so Handlebars shows it as written) and listed. */
export function convertJinja(text: string, firstLine: number, threads: Set<string>, warnings: ConversionWarning[]): string {
  const where = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: firstLine + before.length - 1, column: before[before.length - 1]!.length + 1 };
  };
  const blocks: string[] = [];
  return text.replace(/\{\{-?\s*([\s\S]*?)\s*-?\}\}|\{%-?\s*([\s\S]*?)\s*-?%\}|\{#([\s\S]*?)#\}/g, (whole, expression: string | undefined, statement: string | undefined, comment: string | undefined, offset: number) => {
    if (comment !== undefined) return `{{!-- ${comment.trim().replace(/--/g, '- -')} --}}`;
    if (expression !== undefined) {
      if (threads.has(expression)) return '{{history}}';
      if (IDENTIFIER_PATH.test(expression)) return `{{${expression}}}`;
      const filtered = /^([A-Za-z_]\w*(?:\.\w+)*)\s*\|/.exec(expression);
      warnings.push({ ...where(offset), message: `the Jinja expression {{ ${expression} }} has no Handlebars equivalent${filtered ? ` (filters are not applied): kept as {{${filtered[1]}}}` : ': kept as literal text'}` });
      return filtered ? `{{${filtered[1]}}}` : `\\${whole}`;
    }
    const words = statement!.split(/\s+/);
    const keyword = words[0];
    const condition = words.slice(1).join(' ');
    if (keyword === 'if' && IDENTIFIER_PATH.test(condition)) { blocks.push('if'); return `{{#if ${condition}}}`; }
    const loop = /^for\s+(\w+)\s+in\s+([A-Za-z_][\w.]*)$/.exec(statement!);
    if (loop) { blocks.push('each'); return `{{#each ${loop[2]} as |${loop[1]}|}}`; }
    if (keyword === 'else' && words.length === 1 && blocks.length > 0) return '{{else}}';
    if ((keyword === 'endif' || keyword === 'endfor') && blocks[blocks.length - 1] === (keyword === 'endif' ? 'if' : 'each')) return `{{/${blocks.pop()}}}`;
    warnings.push({ ...where(offset), message: `the Jinja statement {% ${statement} %} has no Handlebars equivalent: kept as literal text` });
    return whole;
  });
}
