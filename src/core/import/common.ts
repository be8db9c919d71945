// What every conversion between .prompt files and their peers' formats shares: the neutral prompt
// both sides are read into, the warnings that list what cannot be carried over (never dropped
// silently), and the writer of a plain Dotprompt file from the neutral prompt.
import { isMap, isScalar, isSeq, LineCounter, stringify, visit, type Document } from 'yaml';
import { parseYamlWithShortStacks, repeatedKeys, yamlErrorText } from '../yamlDocument';

/** Something the conversion could not carry over, or carried over differently. */
export interface ConversionWarning {
  /** 1-based, in the file converted from, when it is known. */
  line?: number;
  column?: number;
  message: string;
}

/** Dotprompt's roles. */
export type Role = 'system' | 'user' | 'model' | 'tool';

export interface NeutralInput {
  name: string;
  /** A Picoschema type: string, number, integer, boolean, any. */
  type: string;
  description?: string;
  optional: boolean;
}

/** A prompt as both formats can say it; message templates are Handlebars (`{{var}}`). */
export interface NeutralPrompt {
  name?: string;
  description?: string;
  model?: string;
  /** Generation config by Dotprompt's names (temperature, topP, maxOutputTokens, …). */
  config: Record<string, unknown>;
  inputs: NeutralInput[];
  defaults: Record<string, unknown>;
  messages: { role: Role; template: string }[];
  /** `output.format: json` and its JSON schema, when the source asks for JSON. */
  output?: { format: 'json'; jsonSchema?: unknown };
}

export interface ConversionResult {
  /** The converted file's text. */
  text: string;
  /** A promptfoo-shaped dataset (`<name>.tests.yaml`) when the source had test data. */
  dataset?: string;
  warnings: ConversionWarning[];
}

/** A YAML source with positions, for warnings placed where the thing not carried over is written. */
export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();
  private readonly data: unknown;
  /** Why the YAML could not be read as data though it parsed (aliases that expand too far). */
  private readonly failure: ConversionWarning | undefined;
  /** Keys written twice in a map: the peers' readers keep the last, so does the import, and says so. */
  readonly repeats: ConversionWarning[] = [];

  constructor(text: string, private readonly lineOffset = 0) {
    // Repeated keys are accepted (uniqueKeys: false, also sparing the package's check of every key
    // against every other, minutes for 100,000 keys) and found in one pass below.
    this.doc = parseYamlWithShortStacks(text, { lineCounter: this.lines, uniqueKeys: false });
    if (this.doc.errors.length > 0) return;
    for (const { key, offset } of repeatedKeys(this.doc)) this.repeats.push(this.atOffset(offset, `'${String(key)}' is written again in the same map: the last value is used`));
    try {
      this.data = this.doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An "alias bomb" (a few aliases that unfold into millions of values): said at the first alias.
      let offset = 0;
      visit(this.doc, { Alias: (_key, alias) => { offset = alias.range?.[0] ?? 0; return visit.BREAK; } });
      this.failure = this.atOffset(offset, `the aliases (*name) here expand to too much data (${(error as Error).message})`);
    }
  }

  /** The document as plain data (undefined when it has errors). */
  get value(): unknown {
    return this.data;
  }

  /** Where the key (or item) at `path` is written; the document's start when not found. */
  at(path: (string | number)[], message: string): ConversionWarning {
    let node: unknown = this.doc.contents;
    let offset = 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
        if (!pair) break;
        offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: [number, number, number] } | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    return this.atOffset(offset, message);
  }

  private atOffset(offset: number, message: string): ConversionWarning {
    const { line, col } = this.lines.linePos(offset);
    return { line: line + this.lineOffset, column: col, message };
  }

  /** Why the text cannot be read: YAML errors, or aliases that expand too far. */
  get errors(): ConversionWarning[] {
    const errors = this.doc.errors.map((error) => this.atOffset(error.pos[0], yamlErrorText(error.message)));
    return this.failure ? [...errors, this.failure] : errors;
  }
}

/** The source could not be converted at all: not YAML, no messages. The CLI exits 1 with it. */
export class ConversionError extends Error {
  constructor(readonly file: string, readonly warning: ConversionWarning) {
    super(`${file}${warning.line ? `:${warning.line}:${warning.column ?? 1}` : ''}: ${warning.message}`);
    this.name = 'ConversionError';
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Picoschema type for a value written as an example (a default, a sample). */
export function typeOfValue(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return 'any';
}

/** `{{ name }}` and `{{name.field}}` references in a template (Handlebars or Jinja-style). */
export function variablesIn(template: string): string[] {
  const names = new Set<string>();
  // Names a block binds (`{{#each xs as |x|}}`) and Handlebars' own are not inputs.
  const bound = new Set(['history', 'this', 'else', ...[...template.matchAll(/as \|(\w+)\|/g)].map((match) => match[1]!)]);
  for (const match of template.matchAll(/\{\{\s*([A-Za-z_][\w]*)(?:\.[\w.]+)?\s*\}\}/g)) if (!bound.has(match[1]!)) names.add(match[1]!);
  for (const match of template.matchAll(/\{\{#(?:if|unless|each|with) ([A-Za-z_]\w*)/g)) if (!bound.has(match[1]!)) names.add(match[1]!);
  return [...names];
}

/** The .prompt file: frontmatter in Dotprompt's keys, then one `{{role}}` block per message. */
export function writePromptFile(prompt: NeutralPrompt): string {
  const frontmatter: Record<string, unknown> = {};
  if (prompt.name) frontmatter.name = prompt.name;
  if (prompt.description) frontmatter.description = prompt.description;
  if (prompt.model) frontmatter.model = prompt.model;
  if (Object.keys(prompt.config).length > 0) frontmatter.config = prompt.config;
  if (prompt.inputs.length > 0 || Object.keys(prompt.defaults).length > 0) {
    const input: Record<string, unknown> = {};
    if (prompt.inputs.length > 0) {
      input.schema = Object.fromEntries(prompt.inputs.map((field) => [
        `${field.name}${field.optional ? '?' : ''}`,
        field.description ? `${field.type}, ${field.description.replace(/\s+/g, ' ').trim()}` : field.type,
      ]));
    }
    if (Object.keys(prompt.defaults).length > 0) input.default = prompt.defaults;
    frontmatter.input = input;
  }
  if (prompt.output) frontmatter.output = { format: 'json', ...(prompt.output.jsonSchema !== undefined ? { schema: prompt.output.jsonSchema } : {}) };
  const yaml = stringify(frontmatter, { lineWidth: 0 }).trimEnd();
  const body = prompt.messages.map((message) => `{{role "${message.role}"}}\n${message.template.replace(/^\n+|\s+$/g, '')}\n`).join('\n');
  return `---\n${yaml}\n---\n${body}`;
}

/** Generation settings both peers name differently from Dotprompt: their name → Dotprompt's. */
export const CONFIG_NAMES: Readonly<Record<string, string>> = {
  temperature: 'temperature',
  top_p: 'topP', topP: 'topP',
  top_k: 'topK', topK: 'topK',
  max_tokens: 'maxOutputTokens', maxTokens: 'maxOutputTokens', max_completion_tokens: 'maxOutputTokens', maxOutputTokens: 'maxOutputTokens',
  stop: 'stopSequences', stopSequences: 'stopSequences',
  seed: 'seed',
  presence_penalty: 'presencePenalty', presencePenalty: 'presencePenalty',
  frequency_penalty: 'frequencyPenalty', frequencyPenalty: 'frequencyPenalty',
};

/** Copies the generation settings Dotprompt has a name for; each other key is a warning. */
export function mapConfig(source: YamlSource, path: (string | number)[], values: unknown, warnings: ConversionWarning[], what: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (values === undefined || values === null) return config;
  if (!isRecord(values)) {
    warnings.push(source.at(path, `${what} is not a mapping: not carried over`));
    return config;
  }
  for (const [key, value] of Object.entries(values)) {
    const name = CONFIG_NAMES[key];
    if (!name) warnings.push(source.at([...path, key], `${what}.${key} has no Dotprompt equivalent: not carried over`));
    else config[name] = name === 'stopSequences' && typeof value === 'string' ? [value] : value;
  }
  return config;
}
