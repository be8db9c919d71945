// Checks run inputs against the prompt's input schema (JSON Schema, as Dotprompt produces it from
// Picoschema) before anything is sent: a missing or mistyped field is named, with where it is.
// Covers what Picoschema can express: type (and type lists), required, properties,
// additionalProperties, items, enum.

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  description?: string;
};

export interface InputProblem {
  /** Dotted path of the field, e.g. `examples[1].summary`; empty for the input as a whole. */
  path: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const show = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

export function validateInput(value: unknown, schema: JsonSchema | undefined | null, path = ''): InputProblem[] {
  if (!schema || typeof schema !== 'object') return [];
  const problems: InputProblem[] = [];
  const name = path || 'the input';
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => matchesType(value, type))) {
      return [{ path, message: `${name} must be ${types.join(' or ')}, but is ${typeOf(value)} ${show(value)}` }];
    }
  }
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    problems.push({ path, message: `${name} must be one of ${schema.enum.map(show).join(', ')}, but is ${show(value)}` });
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) problems.push({ path: join(path, key), message: `${join(path, key)} is required but missing` });
    }
    for (const [key, child] of Object.entries(record)) {
      const property = schema.properties?.[key];
      if (property) problems.push(...validateInput(child, property, join(path, key)));
      else if (schema.additionalProperties === false && child !== undefined) {
        const known = Object.keys(schema.properties ?? {});
        problems.push({ path: join(path, key), message: `${join(path, key)} is not declared in the schema${known.length ? ` (declared: ${known.join(', ')})` : ''}` });
      } else if (typeof schema.additionalProperties === 'object') {
        problems.push(...validateInput(child, schema.additionalProperties, join(path, key)));
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => problems.push(...validateInput(item, schema.items, `${path}[${index}]`)));
  }
  return problems;
}
