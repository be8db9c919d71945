// Options `render` and `tokens` share: which file (and variant), its inputs, how many examples.
import * as path from 'node:path';
import { partialNameOf } from '../core/check/checkPrompt';
import { isVariantName, variantFileName } from '../core/promptFiles';
import type { RenderRequest } from '../core/render';
import { findTooDeepData, findUnsafeKey, tooDeepDataMessage, unsafeKeyMessage, unsafeKeyPart } from '../core/safeKeys';
import { all, single, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { readUserFile } from './fileErrors';

export const RENDER_OPTIONS: Record<string, OptionSpec> = {
  input: { value: true, repeat: true },
  'input-file': { value: true },
  'input-value': { value: true },
  variant: { value: true },
  shots: { value: true },
  'prompts-dir': { value: true, repeat: true },
  json: {},
};

export const RENDER_USAGE = `  --input key=value     An input value, as text (repeatable); key:=JSON for numbers, lists, objects
  --input-file <file>   Inputs from a JSON object (--input values override it); for a prompt whose
                        input.schema is one value (schema: string), that value in JSON ("text", 42)
  --input-value <text>  The input of a prompt whose input.schema is one value, as text
  --variant <name>      Use the variant <file without .prompt>.<name>.prompt
  --shots <n>           Keep only the first n few-shot examples (0 = zero-shot); needs promptlab.examples
  --prompts-dir <dir>   Another folder to find partials (_name.prompt) in`;

/** The file to render: the positional, or its variant. */
export function promptPath(parsed: ParsedArgs): string {
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one .prompt file');
  const file = parsed.positionals[0]!;
  const variant = single(parsed, 'variant');
  if (variant === undefined) return file;
  if (!isVariantName(variant)) throw new UsageError(`--variant '${variant}' is not a variant name (letters, digits, - and _)`);
  return variantPath(file, variant);
}

/** The file of `variant` beside `file`. */
export const variantPath = (file: string, variant: string): string => path.join(path.dirname(file), variantFileName(path.basename(file), variant));

export async function renderRequest(parsed: ParsedArgs): Promise<RenderRequest> {
  const input: Record<string, unknown> = {};
  const inputFile = single(parsed, 'input-file');
  if (inputFile !== undefined) {
    const text = await readUserFile(inputFile, '--input-file');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--input-file ${inputFile}: not valid JSON: ${(error as Error).message}`);
    }
    // JSON.parse reads any depth; what follows walks the input recursively (safeKeys.ts).
    const tooDeep = findTooDeepData(data);
    if (tooDeep !== undefined) throw new UsageError(`--input-file ${inputFile}: ${tooDeepDataMessage(tooDeep)}`);
    if (data === null || Array.isArray(data)) throw new UsageError(`--input-file ${inputFile} must hold a JSON object (or one value for a prompt whose input.schema is one)`);
    if (typeof data !== 'object') {
      // A scalar: the whole input of a prompt with a scalar schema (renderChecked refuses it otherwise).
      if (parsed.values.has('input-value') || parsed.values.has('input')) throw new UsageError(`--input-file ${inputFile} holds one value: give no --input or --input-value with it`);
      return { input: {}, value: data, ...shotsOf(parsed) };
    }
    // Object.assign would run the __proto__ setter for a JSON key "__proto__" (safeKeys.ts).
    const unsafe = findUnsafeKey(data);
    if (unsafe !== undefined) throw new UsageError(`--input-file ${inputFile}: ${unsafeKeyMessage(unsafe)}`);
    Object.assign(input, data);
  }
  for (const pair of all(parsed, 'input')) {
    const json = /^([^=:]+):=(.*)$/s.exec(pair);
    const text = /^([^=]+)=(.*)$/s.exec(pair);
    const name = (json ?? text)?.[1];
    if (name !== undefined && unsafeKeyPart(name) !== undefined) throw new UsageError(`--input ${pair}: ${unsafeKeyMessage(name)}`);
    if (json) {
      try {
        input[json[1]!] = JSON.parse(json[2]!);
      } catch {
        throw new UsageError(`--input ${pair}: the value after := must be JSON`);
      }
      const tooDeep = findTooDeepData(input[json[1]!], undefined, json[1]!);
      if (tooDeep !== undefined) throw new UsageError(`--input ${json[1]}: ${tooDeepDataMessage(tooDeep)}`);
    } else if (text) input[text[1]!] = text[2]!;
    else throw new UsageError(`--input ${pair}: write key=value (text) or key:=JSON`);
  }
  const value = single(parsed, 'input-value');
  if (value !== undefined && parsed.values.has('input')) throw new UsageError('give --input key=value (named inputs) or --input-value (one value), not both');
  return { input, ...(value !== undefined ? { value } : {}), ...shotsOf(parsed) };
}

function shotsOf(parsed: ParsedArgs): { shots?: number } {
  const shotsText = single(parsed, 'shots');
  const shots = shotsText === undefined ? undefined : Number(shotsText);
  if (shots !== undefined && !(Number.isInteger(shots) && shots >= 0)) throw new UsageError(`--shots must be a whole number of at least 0, not '${shotsText}'`);
  return shots !== undefined ? { shots } : {};
}

export const checkOptionsFor = (file: string) => ({ partialName: partialNameOf(file) });
