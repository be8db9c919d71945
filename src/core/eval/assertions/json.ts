// is-json and contains-json, as promptfoo (docs: expected-outputs/deterministic#is-json): the output
// (or some JSON inside it) parses, and if the value is a JSON Schema (an object, or YAML/JSON text of one),
// it validates against it (ajv).
import Ajv, { type ValidateFunction } from 'ajv';
import { parseYamlData, yamlErrorText } from '../../yamlDocument';
import type { Assertion } from '../types';
import { failure, verdict, type Verdict } from './verdict';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

function schemaOf(assertion: Assertion): ValidateFunction | undefined | Verdict {
  let { value } = assertion;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    try { value = parseYamlData(value); } catch (error) { return failure(`The JSON schema is not valid YAML or JSON: ${yamlErrorText((error as Error).message)}`); }
  }
  if (typeof value !== 'object' || value === null) return failure('The value of a JSON assertion must be a JSON Schema (an object)');
  let validate = compiled.get(value);
  if (!validate) {
    try { validate = ajv.compile(value as object); } catch (error) { return failure(`The JSON schema is invalid: ${(error as Error).message}`); }
    compiled.set(value, validate);
  }
  return validate;
}

function checkSchema(json: unknown, validate: ValidateFunction | undefined): string | undefined {
  if (!validate || validate(json)) return undefined;
  return ajv.errorsText(validate.errors, { dataVar: 'output' });
}

export function isJson(output: string, assertion: Assertion): Verdict {
  const validate = schemaOf(assertion);
  if (validate && !(validate instanceof Function)) return validate;
  let json: unknown;
  try { json = JSON.parse(output); } catch (error) { return verdict(false, `Output is not valid JSON (${(error as Error).message})`); }
  const problem = checkSchema(json, validate);
  return problem ? verdict(false, `Output is JSON but does not match the schema: ${problem}`) : verdict(true, validate ? 'Output is JSON matching the schema' : 'Output is valid JSON');
}

/** JSON.parse attempts one search may make: a long output full of braces costs O(n²) otherwise. */
const MAX_PARSE_ATTEMPTS = 2000;

/** Every JSON object or array inside a text: from each `{` or `[`, the longest span that parses. */
export function extractJsonValues(text: string): unknown[] {
  const found: unknown[] = [];
  let attempts = 0;
  for (let start = 0; start < text.length && attempts < MAX_PARSE_ATTEMPTS; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    const close = open === '{' ? '}' : ']';
    for (let end = text.lastIndexOf(close); end > start && attempts < MAX_PARSE_ATTEMPTS; end = text.lastIndexOf(close, end - 1)) {
      attempts++;
      try {
        found.push(JSON.parse(text.slice(start, end + 1)));
        start = end;
        break;
      } catch { /* try a shorter span */ }
    }
  }
  return found;
}

export function containsJson(output: string, assertion: Assertion): Verdict {
  const validate = schemaOf(assertion);
  if (validate && !(validate instanceof Function)) return validate;
  const values = extractJsonValues(output);
  if (values.length === 0) return verdict(false, 'Output contains no JSON');
  if (!validate) return verdict(true, 'Output contains JSON');
  const problems = values.map((value) => checkSchema(value, validate));
  if (problems.some((problem) => problem === undefined)) return verdict(true, 'Output contains JSON matching the schema');
  return verdict(false, `Output contains JSON, but none matches the schema: ${problems[0]}`);
}
