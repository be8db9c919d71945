// The frontmatter keys Prompt Lab knows: what each means (completions, hovers) and, for config
// numbers, the rule the check enforces (check/frontmatter.ts). One table, so the words a hover shows
// and the rule a diagnostic applies cannot drift apart.

/** Dotprompt's reserved frontmatter keys (dotprompt/src/parse.ts, RESERVED_METADATA_KEYWORDS): it
 * keeps these, and keys with a dot as extensions, and ignores every other key. */
export const DOTPROMPT_RESERVED_KEYS: ReadonlySet<string> = new Set(['config', 'description', 'ext', 'input', 'model', 'name', 'output', 'raw', 'toolDefs', 'tools', 'variant', 'version']);

export interface KeyDoc {
  key: string;
  /** One line: what the key does. */
  doc: string;
  /** What is inserted after the key: a value on the same line, or a nested block. */
  shape: 'value' | 'block' | 'list';
}

export interface NumberRule {
  min: number;
  max?: number;
  integer?: boolean;
}

export interface ConfigKeyDoc extends KeyDoc {
  /** The values the check accepts, in words. */
  range: string;
  /** For numbers: the values the check accepts. */
  rule?: NumberRule;
}

export const TOP_LEVEL_KEYS: readonly KeyDoc[] = [
  { key: 'model', shape: 'value', doc: 'The model to run, as `provider/name` (e.g. `openai/gpt-4o-mini`): the provider picks the backend.' },
  { key: 'config', shape: 'block', doc: 'Generation settings: temperature, topP, topK, maxOutputTokens, stopSequences, seed and penalties.' },
  { key: 'input', shape: 'block', doc: 'The inputs: `schema` (Picoschema or JSON Schema) and `default` values used when a run gives none.' },
  { key: 'output', shape: 'block', doc: 'The expected output: `format` (text or json) and its `schema`.' },
  { key: 'description', shape: 'value', doc: 'What the prompt does, in a sentence (shown in template pickers).' },
  { key: 'name', shape: 'value', doc: 'The prompt\'s name; by default the file name.' },
  { key: 'variant', shape: 'value', doc: 'The variant this file is (a file `name.variant.prompt` varies the prompt `name`).' },
  { key: 'version', shape: 'value', doc: 'A version of the prompt file, for your own bookkeeping.' },
  { key: 'tools', shape: 'list', doc: 'Names of the tools the model may call.' },
  { key: 'promptlab.examples', shape: 'value', doc: 'Prompt Lab: the input that holds the few-shot examples, so runs can vary their number (zero-, one-, few-shot).' },
  { key: 'promptlab.reference', shape: 'value', doc: 'Prompt Lab: the input that holds a reference completion, to score completions against (ROUGE, BLEU).' },
  { key: 'promptlab.agent', shape: 'block', doc: 'Prompt Lab: run as a ReAct agent, `{ tools: [search, calculate, lookup], maxSteps: 8 }`: each step generates until `Observation:`, runs the tool its last `Action: tool[argument]` names and continues, until `finish[answer]`.' },
  { key: 'promptlab.retrieve', shape: 'block', doc: 'Prompt Lab: retrieval-augmented prompt, `{ from: "docs/**/*.md", query: question, into: passages, top: 4, chunk: 800 }`: the workspace files `from` matches are split into chunks of at most `chunk` characters and ranked (BM25) for the input `query`; the best `top` passages (file, lines, score, text) fill the input `into` before rendering. The agent\'s `search` tool ranks the same files.' },
  { key: 'promptlab.execute', shape: 'value', doc: 'Prompt Lab: `javascript` runs the completion\'s code block in a QuickJS sandbox (no files, no network, time and memory limits); the output is the value of `answer` (or the last expression).' },
];

export const CONFIG_KEYS: readonly ConfigKeyDoc[] = [
  { key: 'temperature', shape: 'value', range: 'a number from 0 to 2', rule: { min: 0, max: 2 }, doc: 'How random sampling is: 0 always picks the most likely token (greedy); higher values flatten the distribution and vary the output more.' },
  { key: 'topP', shape: 'value', range: 'a number from 0 to 1', rule: { min: 0, max: 1 }, doc: 'Nucleus sampling: sample only from the most likely tokens whose probabilities add up to topP.' },
  { key: 'topK', shape: 'value', range: 'a whole number of at least 1', rule: { min: 1, integer: true }, doc: 'Sample only from the k most likely tokens (not every backend has it: OpenAI does not).' },
  { key: 'maxOutputTokens', shape: 'value', range: 'a whole number of at least 1', rule: { min: 1, integer: true }, doc: 'The most tokens the model may generate; the completion stops there (finish reason "length").' },
  { key: 'stopSequences', shape: 'list', range: 'a list of strings', doc: 'Generation stops before any of these texts would be produced.' },
  { key: 'seed', shape: 'value', range: 'a whole number', rule: { min: Number.MIN_SAFE_INTEGER, integer: true }, doc: 'Asks for reproducible sampling: the same seed, prompt and settings give the same output where the backend supports it.' },
  { key: 'presencePenalty', shape: 'value', range: 'a number from -2 to 2', rule: { min: -2, max: 2 }, doc: 'Lowers the odds of tokens that have appeared at all, nudging the model to new topics.' },
  { key: 'candidateCount', shape: 'value', range: 'a whole number of at least 1', rule: { min: 1, integer: true }, doc: 'How many completions to generate for one request, where the backend can.' },
  { key: 'frequencyPenalty', shape: 'value', range: 'a number from -2 to 2', rule: { min: -2, max: 2 }, doc: 'Lowers the odds of tokens by how often they have appeared, discouraging repetition.' },
];


/** Whether `value` is a value `rule` accepts: a finite number in its range (whole when it says so). */
export const fitsRule = (rule: NumberRule, value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= rule.min
  && (rule.max === undefined || value <= rule.max) && (!rule.integer || Number.isInteger(value));

/** Why `value` is no value of the generation setting `key` (one of CONFIG_KEYS with a rule), in the
 * words every range check uses (the frontmatter check, CLI flags, comparison axes):
 * `temperature must be a number from 0 to 2, not 5`; undefined when it fits or `key` has no rule. */
export function settingProblem(key: string, value: unknown, name: string = key): string | undefined {
  const known = findConfigKey(key);
  if (!known?.rule || fitsRule(known.rule, value)) return undefined;
  return `${name} must be ${known.range}, not ${typeof value === 'string' ? `'${value}'` : String(value)}`;
}

export const findTopLevelKey = (key: string) => TOP_LEVEL_KEYS.find((doc) => doc.key === key);
export const findConfigKey = (key: string) => CONFIG_KEYS.find((doc) => doc.key === key);
