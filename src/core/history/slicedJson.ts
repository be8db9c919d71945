// A record's sanitized JSON made a field (and an array's element) at a time, with turns of the event
// loop between: an eval of a few hundred cells is megabytes, and JSON.stringify with a replacer
// over it held the loop tens of ms in one go. The text is exactly sanitizedJson's; the parsed copy
// (what the index entry is made from, keys already scrubbed) is built from the same pieces.
import { sanitizedJson, SECRET_FIELDS } from './sanitize';
import type { Slicer } from './slices';

export interface SlicedJson<T> {
  /** The JSON text in pieces, in order (write them one after another). */
  chunks: string[];
  /** JSON.parse of the whole text. */
  value: T;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // Not `target[key] =`: a `__proto__` field must stay a field, as JSON.parse makes it.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export async function slicedSanitizedJson<T>(record: unknown, redact: ((text: string) => string) | undefined, slicer: Slicer): Promise<SlicedJson<T>> {
  if (!isPlainObject(record)) {
    const text = sanitizedJson(record, redact);
    return { chunks: [text], value: JSON.parse(text) as T };
  }
  const chunks: string[] = ['{'];
  const value: Record<string, unknown> = {};
  let first = true;
  for (const key of Object.keys(record)) {
    if (SECRET_FIELDS.test(key)) continue;
    let field = record[key];
    if (typeof (field as { toJSON?: unknown } | null)?.toJSON === 'function') field = (field as { toJSON(key: string): unknown }).toJSON(key);
    const name = `${first ? '' : ','}${JSON.stringify(key)}:`;
    if (Array.isArray(field)) {
      const items: unknown[] = [];
      chunks.push(`${name}[`);
      for (let i = 0; i < field.length; i++) {
        // An element JSON has no text for (undefined, a function) is null in an array.
        const text = sanitizedJson(field[i], redact) ?? 'null';
        chunks.push(i === 0 ? text : `,${text}`);
        items.push(JSON.parse(text));
        if (slicer.due()) await slicer.yield();
      }
      chunks.push(']');
      define(value, key, items);
    } else {
      const text = sanitizedJson(field, redact) as string | undefined;
      // A member JSON has no text for is left out.
      if (text === undefined) continue;
      chunks.push(`${name}${text}`);
      define(value, key, JSON.parse(text));
    }
    first = false;
    if (slicer.due()) await slicer.yield();
  }
  chunks.push('}');
  return { chunks, value: value as T };
}
