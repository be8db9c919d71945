// Before a run: the prompt's required inputs that have no value (no `input.default`, none given)
// are asked for, one input box per field. Text fields take the text as typed; numbers, booleans,
// lists and objects take JSON. The values typed last time for the same file are offered again.
import * as vscode from 'vscode';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import type { InputField } from '../../core/inputSchema';

const remembered = new Map<string, Record<string, unknown>>();

const isText = (field: InputField) => field.type === undefined || field.type === 'string';

function parseValue(field: InputField, text: string): { value?: unknown; error?: string } {
  if (isText(field)) return { value: text };
  if (field.type === 'any') {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return { value: text };
    }
  }
  try {
    const value = JSON.parse(text) as unknown;
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    const ok = field.type === actual || (field.type === 'integer' && Number.isInteger(value)) || field.type === 'enum';
    return ok ? { value } : { error: `'${field.name}' is ${field.type === 'integer' ? 'a whole number' : `of type ${field.type}`}; this is ${actual}.` };
  } catch {
    return { error: `'${field.name}' is of type ${field.type}: enter it as JSON${field.type === 'array' ? ', e.g. ["a", "b"]' : field.type === 'object' ? ', e.g. {"key": "value"}' : ''}.` };
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

/** The input to render with: `given` plus the missing required fields asked for; undefined when
 * the user cancelled an input box. */
export async function completeInputs(documentKey: string, checked: CheckedPrompt, given: Record<string, unknown> = {}): Promise<Record<string, unknown> | undefined> {
  const defaults = checked.frontmatter.defaults ?? {};
  const missing = (checked.frontmatter.inputs ?? []).filter((field) => !field.optional && field.name !== '' && !(field.name in defaults) && !(field.name in given));
  if (missing.length === 0) return given;
  const last = remembered.get(documentKey) ?? {};
  const input = { ...given };
  for (const [index, field] of missing.entries()) {
    const previous = last[field.name];
    const text = await vscode.window.showInputBox({
      title: `Run prompt: input ${index + 1} of ${missing.length}`,
      prompt: `${field.name}${field.type ? ` (${field.type})` : ''}${field.description ? `: ${field.description}` : ''}`,
      value: previous === undefined ? '' : show(previous),
      ignoreFocusOut: true,
      validateInput: (value) => parseValue(field, value).error,
    });
    if (text === undefined) return undefined;
    input[field.name] = parseValue(field, text).value;
  }
  remembered.set(documentKey, { ...last, ...input });
  return input;
}
