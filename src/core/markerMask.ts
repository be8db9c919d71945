// Dotprompt renders a template to one string, then cuts it into messages and parts at its markers
// (`<<<dotprompt:role:system>>>`, `<<<dotprompt:history>>>`, `<<<dotprompt:media:url …>>>`,
// `<<<dotprompt:section …>>>`), and Handlebars does not escape what it inserts (noEscape). So an input
// value holding a marker forged a message: a user message could open a system message of its own.
// Input text is masked before rendering and unmasked in the rendered parts: the model sees exactly
// the text that was given, and only the template's own helpers make markers.
import type { Message, Part } from 'dotprompt';

const MARKER = '<<<dotprompt:';

/** A mask no input can contain by chance or by design: private-use characters around a random id,
 * new for every render. */
export function newMask(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `\u{F0000}${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}\u{F0001}`;
}

/** `value` with the marker prefix replaced by `mask` in every string it holds (a copy; `value` is
 * unchanged). Objects come back as plain objects with their own keys only. */
export function maskMarkers<T>(value: T, mask: string): T {
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return node.includes(MARKER) ? node.split(MARKER).join(mask) : node;
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(node)) copy[key] = visit((node as Record<string, unknown>)[key]);
    return copy;
  };
  return visit(value) as T;
}

const unmask = (text: string, mask: string) => (text.includes(mask) ? text.split(mask).join(MARKER) : text);

/** The rendered messages with every masked marker back as the text it was. */
export function unmaskMessages(messages: Message[], mask: string): Message[] {
  return messages.map((message) => ({ ...message, content: message.content.map((part) => unmaskPart(part, mask)) }));
}

function unmaskPart(part: Part, mask: string): Part {
  if ('text' in part && typeof part.text === 'string') return { ...part, text: unmask(part.text, mask) };
  if ('media' in part && part.media) return { ...part, media: { ...part.media, url: unmask(part.media.url, mask) } };
  return part;
}
