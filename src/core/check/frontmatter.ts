// Checks the YAML frontmatter: syntax, the shape Dotprompt expects, generation config ranges,
// Prompt Lab's extension keys and the input schema. Everything is reported where it is written.
import { isMap, isScalar, isSeq, visit, type Document, type Node, type Pair } from 'yaml';
import { parseYamlDocument, yamlErrorText } from '../yamlDocument';
import type { InputField } from '../inputSchema';
import { declaredInputs, findField } from '../inputSchema';
import { CONFIG_KEYS, DOTPROMPT_RESERVED_KEYS, fitsRule, TOP_LEVEL_KEYS } from '../frontmatterKeys';
import type { Report } from './report';
import { unsafeKeyMessage, unsafeKeyPart } from '../safeKeys';
import { checkSchema } from './picoschema';
import { checkAgentSpec, type AgentSpec } from '../patterns/agentSpec';
import { checkExecuteSpec, type ExecuteLanguage } from '../patterns/executeSpec';
import { checkRetrieveSpec, type GlobSpan, type RetrieveSpec } from '../patterns/retrieveSpec';
import { describeNode, keyText, nodeSpan, pairsOf, type AnyNode } from './yamlNodes';

/** What the rest of the checks and the editor need from the frontmatter. */
export interface FrontmatterInfo {
  model?: string;
  /** Fields declared in `input.schema`; undefined when there is no schema. */
  inputs?: InputField[];
  /** `input.default`, as plain data. */
  defaults?: Record<string, unknown>;
  /** Names of inputs given by `promptlab.*` keys (see README, "Prompt structure"). */
  examplesInput?: string;
  referenceInput?: string;
  /** `promptlab.agent` (ReAct) and `promptlab.execute` (PAL), when given and valid. */
  agent?: AgentSpec;
  execute?: ExecuteLanguage;
  /** `promptlab.retrieve`, when given and valid, and where its globs are written (offsets in the
   * frontmatter): hosts warn there about a glob that matches no file (they can list files). */
  retrieve?: RetrieveSpec;
  retrieveFrom?: GlobSpan[];
  /** True when the YAML could not be read: later checks must not trust the rest. */
  broken: boolean;
  /** The frontmatter as plain data, exactly what `yaml.parse` gives Dotprompt; set unless broken. */
  data?: unknown;
}


const CONFIG_RULES = new Map(CONFIG_KEYS.map((key) => [key.key, key]));
const CONFIG_KEY_NAMES = CONFIG_KEYS.map((key) => key.key);
const PROMPTLAB_KEYS = new Set(TOP_LEVEL_KEYS.map((key) => key.key).filter((key) => key.startsWith('promptlab.')));

export function checkFrontmatter(yaml: string, report: Report): FrontmatterInfo {
  const document = parseYamlDocument(yaml, { prettyErrors: false });
  if (document.errors.length > 0) {
    // An unclosed flow collection 10,000 deep gets the same error at the same place once per level.
    const said = new Set<string>();
    for (const error of document.errors) {
      const message = `YAML: ${yamlErrorText(error.message)}`;
      if (said.has(`${error.pos[0]} ${message}`)) continue;
      said.add(`${error.pos[0]} ${message}`);
      report.error('yaml-syntax', message, error.pos[0], error.pos[1]);
    }
    return { broken: true };
  }
  const root = document.contents as AnyNode;
  if (root === null || (isScalar(root) && root.value === null)) return { broken: false, data: null };
  if (!isMap(root)) {
    const [start, end] = nodeSpan(root);
    report.error('frontmatter-type', `The frontmatter must be a map of settings (model: …, config: …), not ${describeNode(root)}.`, start, end);
    return { broken: true };
  }

  reportUnsafeKeys(root, report);
  const data = plainData(document, report);
  if (!data.ok) return { broken: true };
  const info: FrontmatterInfo = { broken: false, data: data.value };
  let examplesPair: Pair<Node, Node | null> | undefined;
  let referencePair: Pair<Node, Node | null> | undefined;
  let retrievePair: Pair<Node, Node | null> | undefined;
  const patternPairs: Pair<Node, Node | null>[] = [];
  for (const pair of pairsOf(root)) {
    const key = keyText(pair);
    const [keyStart, keyEnd] = nodeSpan(pair.key as Node);
    const value = pair.value as AnyNode;
    if (key.includes('.')) {
      if (key === 'promptlab.examples') examplesPair = pair;
      else if (key === 'promptlab.reference') referencePair = pair;
      else if (key === 'promptlab.retrieve') retrievePair = pair;
      else if (key === 'promptlab.agent' || key === 'promptlab.execute') patternPairs.push(pair);
      else if (key.startsWith('promptlab.') && !PROMPTLAB_KEYS.has(key)) {
        report.warning('unknown-key', `Unknown Prompt Lab key '${key}'. Known: ${[...PROMPTLAB_KEYS].join(', ')}.`, keyStart, keyEnd);
      }
      continue;
    }
    if (!DOTPROMPT_RESERVED_KEYS.has(key)) {
      report.warning('unknown-key', `Unknown key '${key}': Dotprompt ignores it. Keys with a dot (like 'promptlab.examples') are kept as extensions.`, keyStart, keyEnd);
      continue;
    }
    switch (key) {
      case 'model':
        if (expectString(value, key, report)) info.model = String((value as { value: unknown }).value);
        break;
      case 'name':
      case 'variant':
      case 'description':
        expectString(value, key, report);
        break;
      case 'version':
        if (!(isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number'))) typeError(value, key, 'a version (text or number)', report);
        break;
      case 'config':
        checkConfig(value, report);
        break;
      case 'input':
        checkInput(value, info, report);
        break;
      case 'output':
        checkOutput(value, report);
        break;
      case 'tools':
        if (!isSeq(value) || !value.items.every((item) => isScalar(item) && typeof item.value === 'string')) typeError(value, key, 'a list of tool names', report);
        break;
      default:
        break; // raw, ext, toolDefs: free-form
    }
  }
  info.examplesInput = checkInputReference(examplesPair, info, 'array', report);
  info.referenceInput = checkInputReference(referencePair, info, undefined, report);
  checkPatterns(patternPairs, info, report);
  if (retrievePair) {
    // After input: `query` and `into` name declared inputs.
    const inputs = info.inputs || info.defaults ? declaredInputs(info) : undefined;
    const { spec, fromSpans } = checkRetrieveSpec(retrievePair.value as AnyNode, inputs, report);
    if (spec) {
      info.retrieve = spec;
      info.retrieveFrom = fromSpans;
    }
  }
  return info;
}

/** The frontmatter as plain data. `toJS` throws where the text is valid YAML but its aliases would
 * expand beyond yaml's limit (an "alias bomb": a few lines that unfold into millions of nodes);
 * that is reported at the first alias, like a syntax error, instead of escaping as an exception. */
function plainData(document: Document.Parsed, report: Report): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: document.toJS() };
  } catch (error) {
    let at: [number, number] = [0, 0];
    visit(document, { Alias: (_, alias) => { at = nodeSpan(alias as unknown as Node); return visit.BREAK; } });
    report.error('yaml-syntax', `YAML: ${(error as Error).message.replace(/\.$/, '')}: the aliases (*name) here expand to too much data.`, at[0], at[1]);
    return { ok: false };
  }
}

/** `__proto__`, `constructor` or `prototype` as a key (or a dotted part of one), at any depth: an
 * error where it is written (see safeKeys.ts for why). Rendering skips such keys too. */
function reportUnsafeKeys(root: Node, report: Report): void {
  visit(root, {
    Pair: (_, pair) => {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string' || unsafeKeyPart(key) === undefined) return;
      const [start, end] = nodeSpan(pair.key as Node);
      report.error('unsafe-key', unsafeKeyMessage(key), start, end);
    },
  });
}

function typeError(value: AnyNode, key: string, expected: string, report: Report): void {
  const [start, end] = nodeSpan(value);
  report.error('frontmatter-type', `'${key}' must be ${expected}, not ${describeNode(value)}.`, start, end);
}

function expectString(value: AnyNode, key: string, report: Report): boolean {
  if (isScalar(value) && typeof value.value === 'string') return true;
  typeError(value, key, 'text', report);
  return false;
}

function checkConfig(value: AnyNode, report: Report): void {
  if (!isMap(value)) {
    typeError(value, 'config', 'a map of generation settings (temperature: 0.7, …)', report);
    return;
  }
  for (const pair of pairsOf(value)) {
    const key = keyText(pair);
    const setting = pair.value as AnyNode;
    const [start, end] = nodeSpan(setting);
    const known = CONFIG_RULES.get(key);
    const rule = known?.rule;
    if (rule) {
      if (!fitsRule(rule, isScalar(setting) ? setting.value : undefined)) report.error('config-range', `config.${key} must be ${known.range}, not ${describeNode(setting)}.`, start, end);
    } else if (key === 'stopSequences') {
      if (!isSeq(setting) || !setting.items.every((item) => isScalar(item) && typeof item.value === 'string')) {
        report.error('config-range', `config.stopSequences must be a list of strings, e.g. ["\\n\\n"], not ${describeNode(setting)}.`, start, end);
      }
    } else {
      const [keyStart, keyEnd] = nodeSpan(pair.key as Node);
      report.warning('unknown-key', `Unknown config key '${key}'; backends may ignore it. Known: ${CONFIG_KEY_NAMES.join(', ')}.`, keyStart, keyEnd);
    }
  }
}

function checkInput(value: AnyNode, info: FrontmatterInfo, report: Report): void {
  if (!isMap(value)) {
    typeError(value, 'input', 'a map with schema: and default:', report);
    return;
  }
  for (const pair of pairsOf(value)) {
    const key = keyText(pair);
    const inner = pair.value as AnyNode;
    if (key === 'schema') info.inputs = checkSchema(inner, report) ?? [];
    else if (key === 'default') {
      if (isMap(inner)) info.defaults = inner.toJSON() as Record<string, unknown>;
      else typeError(inner, 'input.default', 'a map of input values', report);
    } else {
      const [start, end] = nodeSpan(pair.key as Node);
      report.warning('unknown-key', `Unknown key 'input.${key}'. Known: schema, default.`, start, end);
    }
  }
}

function checkOutput(value: AnyNode, report: Report): void {
  if (!isMap(value)) {
    typeError(value, 'output', 'a map with format: and schema:', report);
    return;
  }
  for (const pair of pairsOf(value)) {
    const key = keyText(pair);
    if (key === 'schema') checkSchema(pair.value as AnyNode, report);
    else if (key === 'format') expectString(pair.value as AnyNode, 'output.format', report);
  }
}

/** `promptlab.agent` and `promptlab.execute`: each checked, and not both on one prompt (an agent's
 * answer is text from `finish[...]`, a PAL run's is a program's value: one run cannot be both). */
function checkPatterns(pairs: Pair<Node, Node | null>[], info: FrontmatterInfo, report: Report): void {
  for (const pair of pairs) {
    if (keyText(pair) === 'promptlab.agent') {
      const agent = checkAgentSpec(pair.value as AnyNode, report);
      if (agent) info.agent = agent;
    } else {
      const execute = checkExecuteSpec(pair.value as AnyNode, report);
      if (execute) info.execute = execute;
    }
  }
  if (pairs.length === 2) {
    const [start, end] = nodeSpan(pairs[1]!.key as Node);
    report.error('extension-key', "A prompt is either a ReAct agent ('promptlab.agent') or runs its code ('promptlab.execute'), not both: remove one.", start, end);
  }
}

/** `promptlab.examples: examples` must name a declared input (of `type`, when given). */
function checkInputReference(pair: Pair<Node, Node | null> | undefined, info: FrontmatterInfo, type: string | undefined, report: Report): string | undefined {
  if (!pair) return undefined;
  const key = keyText(pair);
  const value = pair.value as AnyNode;
  const [start, end] = nodeSpan(value);
  if (!(isScalar(value) && typeof value.value === 'string')) {
    report.error('extension-key', `'${key}' names an input, e.g. '${key}: examples'; not ${describeNode(value)}.`, start, end);
    return undefined;
  }
  const name = value.value;
  const declared = findField(info.inputs, name);
  const inDefaults = info.defaults !== undefined && Object.hasOwn(info.defaults, name);
  if (!declared && !inDefaults) {
    report.error('extension-key', `'${key}' names the input '${name}', which input.schema does not declare.`, start, end);
  } else if (type && declared?.type && declared.type !== type) {
    report.error('extension-key', `'${key}' names '${name}', which is ${declared.type}; it must be an ${type}.`, start, end);
  }
  return name;
}
