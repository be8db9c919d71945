// What never enters a history record: API keys and request headers. Records come from the engine
// already scrubbed (resultView); this is the store's own last pass, so a field a later record kind
// adds cannot carry a key to disk either.

/** Field names dropped wherever they appear in a record. */
export const SECRET_FIELDS = /^(headers|defaultHeaders|apiKey|api_key|authorization|x-api-key|api-key)$/i;

export const REDACTED = '[redacted]';

/** A redactor that replaces each secret (8 characters or more: shorter ones would mangle text) with
 * `[redacted]`. */
export function secretsRedactor(secrets: Iterable<string | undefined>): (text: string) => string {
  const list = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 8))].sort((a, b) => b.length - a.length);
  return (text) => list.reduce((out, secret) => (out.includes(secret) ? out.split(secret).join(REDACTED) : out), text);
}

/** The values of environment variables that hold keys (`*_API_KEY`, `*_TOKEN`, `*_SECRET`): what the
 * CLI's backends read keys from. */
export function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).filter(([name]) => /(_API_KEY|_KEY|_TOKEN|_SECRET)$/i.test(name)).map(([, value]) => value ?? '').filter(Boolean);
}

/** The record as JSON text: secret fields dropped, every string passed through `redact`. */
export function sanitizedJson(record: unknown, redact: (text: string) => string = (text) => text): string {
  return JSON.stringify(record, (key, value: unknown) => {
    if (key !== '' && SECRET_FIELDS.test(key)) return undefined;
    return typeof value === 'string' ? redact(value) : value;
  });
}
