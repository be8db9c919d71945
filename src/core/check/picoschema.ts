// Checks `input.schema` / `output.schema` where it is written, following the rules of Dotprompt's
// Picoschema parser (dotprompt/src/picoschema.ts), and reads the declared fields from it.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parsePicoKey, PICOSCHEMA_SCALAR_TYPES, splitTypeAndDescription, type InputField } from '../inputSchema';
import type { Report } from './report';
import { describeNode, keyText, nodeSpan, pairsOf, type AnyNode } from './yamlNodes';

const SCALARS: readonly string[] = PICOSCHEMA_SCALAR_TYPES;
const JSON_SCHEMA_TYPES = [...SCALARS, 'object', 'array'];
const scalarList = SCALARS.join(', ');

/** Returns the fields the schema declares (undefined for a scalar schema). */
export function checkSchema(node: AnyNode, report: Report): InputField[] | undefined {
  if (isScalar(node) && typeof node.value === 'string') {
    checkScalarType(node, node.value, report);
    return undefined;
  }
  if (!isMap(node)) {
    const [start, end] = nodeSpan(node);
    report.error('picoschema', `A schema is a type name or a map of fields, not ${describeNode(node)}.`, start, end);
    return undefined;
  }
  const json = node.toJSON() as Record<string, unknown>;
  if (JSON_SCHEMA_TYPES.includes(json.type as string) || typeof json.properties === 'object') return jsonSchemaFields(json);
  return picoFields(node, report);
}

function checkScalarType(node: Node, text: string, report: Report): string {
  const [type] = splitTypeAndDescription(text);
  if (!SCALARS.includes(type)) {
    const [start, end] = nodeSpan(node);
    // Dotprompt would look `type` up as a named schema; Prompt Lab has no schema registry to find it in.
    report.error('picoschema', `Unknown type '${type}'. Picoschema's types are ${scalarList}; a field with fields is written name(object) or name(array).`, start, end);
  }
  return type;
}

function picoFields(node: Node, report: Report): InputField[] {
  const fields: InputField[] = [];
  for (const pair of pairsOf(node)) {
    const key = keyText(pair);
    const [keyStart, keyEnd] = nodeSpan(pair.key as Node);
    const value = pair.value as AnyNode;
    if (key === '(*)') {
      checkValue(value, undefined, report);
      continue;
    }
    const { name, optional, type, description } = parsePicoKey(key);
    const field: InputField = { name, optional, keyStart, keyEnd };
    if (type !== undefined) {
      field.type = type;
      if (description) field.description = description;
      if (type === 'enum') {
        if (!isSeq(value)) {
          const [start, end] = nodeSpan(value);
          report.error('picoschema', `An enum field lists its values: ${name}(enum): [a, b, c].`, start, end);
        }
      } else if (type === 'array' || type === 'object') {
        // An array's value describes each item: a type (`tags(array): string`) or fields.
        field.fields = checkValue(value, undefined, report);
      } else {
        report.error('picoschema', `In a key, the type in parentheses must be object, array or enum, not '${type}'.`, keyStart, keyEnd);
      }
    } else {
      const inner = checkValue(value, field, report);
      if (inner) {
        field.type = 'object';
        field.fields = inner;
      }
    }
    fields.push(field);
  }
  return fields;
}

/** A field's value: a `type, description` string or a map of fields. Fills `field`'s type. */
function checkValue(value: AnyNode, field: InputField | undefined, report: Report): InputField[] | undefined {
  if (isScalar(value) && typeof value.value === 'string') {
    const type = checkScalarType(value, value.value, report);
    const [, description] = splitTypeAndDescription(value.value);
    if (field) {
      field.type = type;
      if (description) field.description = description;
    }
    return undefined;
  }
  if (isMap(value)) return picoFields(value, report);
  const [start, end] = nodeSpan(value);
  report.error('picoschema', `Picoschema fields are a type (like 'string, a description') or a map of fields, not ${describeNode(value)}.`, start, end);
  return undefined;
}

function jsonSchemaFields(schema: Record<string, unknown>): InputField[] | undefined {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties || typeof properties !== 'object') return undefined;
  const required = new Set(Array.isArray(schema.required) ? schema.required as string[] : []);
  return Object.entries(properties).map(([name, property]) => {
    const type = Array.isArray(property?.type) ? (property.type as string[]).find((t) => t !== 'null') : property?.type as string | undefined;
    const items = property?.items as Record<string, unknown> | undefined;
    return {
      name,
      optional: !required.has(name),
      type: property?.enum ? 'enum' : type,
      description: typeof property?.description === 'string' ? property.description : undefined,
      fields: type === 'array' && items ? jsonSchemaFields(items) : type === 'object' ? jsonSchemaFields(property) : undefined,
    };
  });
}
