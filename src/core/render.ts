// Renders a .prompt file for a run: checks it, applies `input.default` and the number of few-shot
// examples, validates the inputs against `input.schema`, then renders through Dotprompt.
import type { Message, Part } from 'dotprompt';
import { checkPrompt, type CheckedPrompt } from './check/checkPrompt';
import { metadataOf, parsePrompt, prepareDotprompt, renderPrepared, type PreparedDotprompt } from './dotprompt';
import type { PromptDiagnostic } from './diagnostics';
import { validateInput, type InputProblem, type JsonSchema } from './inputValidation';
import type { PromptEnvironment } from './promptEnvironment';
import { findTooDeepData, findUnsafeKey, tooDeepDataMessage, unsafeKeyMessage } from './safeKeys';

export interface RenderRequest {
  /** Input values; they override `input.default`. */
  input?: Record<string, unknown>;
  /** Conversation history for `{{history}}`. */
  history?: Message[];
  /** Keep only the first `shots` few-shot examples (0 = zero-shot). Needs `promptlab.examples`. */
  shots?: number;
  /** The whole input, for a prompt whose `input.schema` is a scalar (`schema: string`): the template
   * sees it as `{{this}}`. Refused for a prompt whose input has named fields. */
  value?: unknown;
}

export interface TextMessage {
  /** Dotprompt's role names: system, user, model, tool. */
  role: string;
  /** The message's text parts joined; media parts as `[media: url]`. */
  content: string;
}

export interface RenderResult {
  model?: string;
  config: Record<string, unknown>;
  ext: Record<string, Record<string, unknown>>;
  /** Dotprompt's messages, parts and metadata as it returns them. */
  messages: Message[];
  text: TextMessage[];
  /** The input the template was rendered with (defaults applied, examples cut). */
  input: Record<string, unknown>;
  /** The few-shot examples input, how many the input holds and how many were rendered. */
  examples?: { input: string; available: number; used: number };
  /** Everything Dotprompt's render returned (its metadata: input and output schemas, raw
   * frontmatter…; and its messages), for output that must match Dotprompt's own. */
  dotprompt?: Record<string, unknown>;
}

/** The file has errors: the diagnostics say where. */
export class PromptError extends Error {
  constructor(readonly diagnostics: PromptDiagnostic[]) {
    const first = diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    super(first ? `${first.range.start.line + 1}:${first.range.start.character + 1}: ${first.message}` : 'The prompt has errors.');
    this.name = 'PromptError';
  }
}

/** The inputs do not fit the prompt's schema: each problem names the field. */
export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    // An input with 200,000 undeclared keys has as many problems: the message names the first few.
    const named = problems.slice(0, 5).map((problem) => problem.message).join('; ');
    super(`Input does not match input.schema: ${named}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}.`);
    this.name = 'InputError';
  }
}

export function partText(part: Part): string {
  if ('text' in part && typeof part.text === 'string') return part.text;
  if ('media' in part && part.media) return `[media: ${part.media.url}]`;
  return '';
}

export const toText = (messages: Message[]): TextMessage[] =>
  messages.map((message) => ({ role: message.role, content: message.content.map(partText).join('') }));

const prepared = new WeakMap<CheckedPrompt, Promise<PreparedDotprompt>>();

/** One parse and compile per checked text, however often it is rendered (the parts of a prompt
 * render it twice). The check has already read every partial the template reaches: registering them
 * up front also spares Dotprompt another parse of the template to look for them. */
function preparedFor(checked: CheckedPrompt): Promise<PreparedDotprompt> {
  let entry = prepared.get(checked);
  if (!entry) {
    const partials = Object.fromEntries([...checked.partials].map(([name, file]) => [name, file.text]));
    // The check parsed the frontmatter already; Dotprompt gets the same data instead of a second parse.
    const { data } = checked.frontmatter;
    const parsed = parsePrompt(checked.source.text, data === undefined ? undefined : { data });
    entry = prepareDotprompt(checked.source.text, { partials }, parsed);
    prepared.set(checked, entry);
  }
  return entry;
}

/** Renders an already checked prompt (see `renderPrompt`). */
export async function renderChecked(checked: CheckedPrompt, request: RenderRequest = {}): Promise<RenderResult> {
  if (!checked.ok) throw new PromptError(checked.diagnostics);
  // Input values come from files and forms (--input-file, a dataset, an input box): a key such as
  // __proto__ would be copied key by key into Dotprompt's and Handlebars' objects (safeKeys.ts).
  const unsafe = findUnsafeKey(request.input);
  if (unsafe !== undefined) throw new InputError([{ path: unsafe, message: unsafeKeyMessage(unsafe) }]);
  // Rendering, masking and every copy of the input (history, the panel) walk it recursively.
  const tooDeep = findTooDeepData(request.input) ?? findTooDeepData(request.value);
  if (tooDeep !== undefined) throw new InputError([{ path: tooDeep, message: tooDeepDataMessage(tooDeep) }]);
  const input: Record<string, unknown> = { ...checked.frontmatter.defaults, ...request.input };
  let examples: RenderResult['examples'];
  const examplesInput = checked.frontmatter.examplesInput;
  if (examplesInput !== undefined) {
    const all = Array.isArray(input[examplesInput]) ? input[examplesInput] as unknown[] : [];
    const used = request.shots === undefined ? all.length : Math.max(0, Math.min(request.shots, all.length));
    input[examplesInput] = all.slice(0, used);
    examples = { input: examplesInput, available: all.length, used };
  } else if (request.shots !== undefined) {
    throw new Error('This prompt does not say which input holds its examples: add `promptlab.examples: <input>` to the frontmatter.');
  }
  const prepared = await preparedFor(checked);
  const metadata = await metadataOf(prepared);
  const schema = metadata.input?.schema as JsonSchema | undefined;
  const scalar = isScalarSchema(schema);
  if (request.value !== undefined && !scalar) {
    throw new InputError([{ path: '', message: 'this prompt\'s input has named fields, not a single value: give them as key=value' }]);
  }
  // A scalar input (`schema: string`) is the value itself; without one, the template renders with no
  // input, as Dotprompt renders it.
  const data = scalar ? request.value : input;
  const problems = scalar && request.value === undefined ? [] : validateInput(data, schema);
  if (problems.length > 0) throw new InputError(problems);
  const rendered = await renderPrepared(prepared, { input: (data ?? input) as Record<string, unknown>, messages: request.history });
  // Dotprompt passes `model:` on as the YAML gave it. The check rejects a model that is not text,
  // but a loose render (`prompt-lab render`) gets here anyway, and every reader of the result takes
  // the model for a name (the tokenizer is chosen by it): the check's findings say where it is.
  if (rendered.model !== undefined && typeof rendered.model !== 'string') throw new PromptError(checked.diagnostics);
  return {
    model: rendered.model,
    config: (rendered.config ?? {}) as Record<string, unknown>,
    ext: rendered.ext ?? {},
    messages: rendered.messages,
    text: toText(rendered.messages),
    input,
    examples,
    dotprompt: rendered as unknown as Record<string, unknown>,
  };
}

/** A schema of one value (`schema: string` in Picoschema: {type: string}), not an object of fields. */
export function isScalarSchema(schema: JsonSchema | undefined): boolean {
  const types = schema?.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.length > 0 && !types.includes('object');
}

/** The prompt's `input.schema` as JSON Schema (Picoschema converted), as rendering checks inputs
 * against it; undefined when the prompt declares none. */
export async function inputSchemaOf(checked: CheckedPrompt): Promise<JsonSchema | undefined> {
  if (!checked.ok) throw new PromptError(checked.diagnostics);
  const metadata = await metadataOf(await preparedFor(checked));
  return (metadata.input?.schema ?? undefined) as JsonSchema | undefined;
}

/** Checks and renders a .prompt file's text. Throws PromptError or InputError. */
export async function renderPrompt(fileText: string, environment: PromptEnvironment, request: RenderRequest = {}): Promise<RenderResult> {
  return renderChecked(await checkPrompt(fileText, environment), request);
}
