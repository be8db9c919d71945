// What a prompt declares as its inputs, read from `input.schema` (Picoschema or JSON Schema) for
// variable checks, completions and hovers. Shapes only: validation of values is in inputValidation.ts.
import type { FrontmatterInfo } from './check/frontmatter';

export interface InputField {
  name: string;
  /** `string`, `number`, `array`, `object`, `enum`, `any`… as written; undefined when not known. */
  type?: string;
  description?: string;
  optional: boolean;
  /** Properties of an object, or of each item of an array of objects. */
  fields?: InputField[];
  /** Offsets of the field's key in the file, for go-to and hovers. */
  keyStart?: number;
  keyEnd?: number;
}

export const PICOSCHEMA_SCALAR_TYPES = ['any', 'boolean', 'integer', 'null', 'number', 'string'] as const;

/** Picoschema's `type, description` split (dotprompt/src/picoschema.ts, extractDescription). */
export function splitTypeAndDescription(text: string): [string, string | undefined] {
  if (!text.includes(',')) return [text, undefined];
  const match = /(.*?), *(.*)$/.exec(text);
  return match ? [match[1]!, match[2]] : [text, undefined];
}

/** A Picoschema key: `name`, `name?`, `name(array)`, `name?(object, description)`, `(*)`. */
export function parsePicoKey(key: string): { name: string; optional: boolean; type?: string; description?: string } {
  const open = key.indexOf('(');
  const head = open === -1 ? key : key.slice(0, open);
  const optional = head.endsWith('?');
  const name = optional ? head.slice(0, -1) : head;
  if (open === -1) return { name, optional };
  const [type, description] = splitTypeAndDescription(key.slice(open + 1).replace(/\)$/, ''));
  return { name, optional, type: type.trim(), description };
}

export function findField(fields: readonly InputField[] | undefined, name: string): InputField | undefined {
  return fields?.find((field) => field.name === name);
}

/** The inputs a prompt declares: `input.schema`'s fields, plus inputs only given a default (declared
 * by example: their type, and an array's item fields, read from the value). */
export function declaredInputs(frontmatter: Pick<FrontmatterInfo, 'inputs' | 'defaults'>): InputField[] {
  const fields = [...(frontmatter.inputs ?? [])];
  for (const [name, value] of Object.entries(frontmatter.defaults ?? {})) {
    if (!findField(fields, name)) fields.push(fieldFromValue(name, value));
  }
  return fields;
}

function fieldFromValue(name: string, value: unknown): InputField {
  const sample = Array.isArray(value) ? value[0] : value;
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value;
  const field: InputField = { name, type, optional: true };
  if (typeof sample === 'object' && sample !== null && !Array.isArray(sample)) {
    field.fields = Object.entries(sample as Record<string, unknown>).map(([key, inner]) => fieldFromValue(key, inner));
  }
  return field;
}

