// API keys in VS Code's SecretStorage (the OS keychain), each bound to a backend id AND the origin
// (scheme://host:port) of the server it was entered for: `promptLab.apiKey/<id>/<origin>`. A key is
// handed to a backend only for that origin. When the settings now point the backend elsewhere, the
// stored key is not sent there unless the user says so, for that request only.
// Keys never go to settings, logs, the output channel, error messages, history or the panel; the
// keys handed out in this session are remembered (in memory only) so that text leaving the
// extension can be scrubbed of them should a server echo one back.
import * as vscode from 'vscode';
import { backendOrigin, type BackendConfig } from '../../backends/backendConfig';

const SECRET_PREFIX = 'promptLab.apiKey';
/** globalState: backend id → origins a key is stored for. Not secret: SecretStorage cannot list its
 * keys, and the mismatch question must name the origin the key was entered for. */
const INDEX_KEY = 'promptLab.apiKeyOrigins';

export const secretName = (id: string, origin: string): string => `${SECRET_PREFIX}/${id}/${origin}`;

/** What a run would do with the key for a backend as configured now. */
export type KeyDecision =
  /** No key needed (local backend) or none stored. */
  | { kind: 'none'; origin?: string }
  /** A key is stored for exactly this origin: it is sent. */
  | { kind: 'send'; origin: string }
  /** Keys are stored only for other origins: the user is asked before one is sent here. */
  | { kind: 'ask'; origin: string; storedFor: string[] };

export type MismatchAnswer = 'allowOnce' | 'setNew' | 'cancel';

export class ApiKeyStore {
  /** Keys stored or handed out in this session (memory only), for redact(). */
  private readonly handedOut = new Set<string>();

  constructor(private readonly secrets: vscode.SecretStorage, private readonly state: vscode.Memento) {}

  storedOrigins(id: string): string[] {
    const index = this.state.get<Record<string, string[]>>(INDEX_KEY, {});
    return Array.isArray(index[id]) ? [...index[id]!] : [];
  }

  /** Backend ids with at least one stored key. */
  storedIds(): string[] {
    return Object.keys(this.state.get<Record<string, string[]>>(INDEX_KEY, {}));
  }

  private async setOrigins(id: string, origins: string[]): Promise<void> {
    const index = { ...this.state.get<Record<string, string[]>>(INDEX_KEY, {}) };
    if (origins.length > 0) index[id] = origins;
    else delete index[id];
    await this.state.update(INDEX_KEY, index);
  }

  async store(id: string, origin: string, key: string): Promise<void> {
    await this.secrets.store(secretName(id, origin), key);
    this.handedOut.add(key);
    const origins = this.storedOrigins(id);
    if (!origins.includes(origin)) await this.setOrigins(id, [...origins, origin]);
  }

  /** Deletes the key for `origin`, or every key of the backend when no origin is given. */
  async clear(id: string, origin?: string): Promise<number> {
    const origins = this.storedOrigins(id);
    const doomed = origin === undefined ? origins : origins.filter((stored) => stored === origin);
    for (const stored of doomed) await this.secrets.delete(secretName(id, stored));
    await this.setOrigins(id, origins.filter((stored) => !doomed.includes(stored)));
    return doomed.length;
  }

  decide(config: BackendConfig): KeyDecision {
    const origin = backendOrigin(config);
    if (origin === undefined) return { kind: 'none' };
    const storedFor = this.storedOrigins(config.id);
    if (storedFor.includes(origin)) return { kind: 'send', origin };
    return storedFor.length > 0 ? { kind: 'ask', origin, storedFor } : { kind: 'none', origin };
  }

  /**
   * The key for `config`'s origin, for BackendServices.apiKey. On a mismatch `ask` decides; "allow
   * once" hands over the key stored for the other origin for this request and stores nothing new.
   */
  async keyFor(config: BackendConfig, ask: (question: { id: string; origin: string; storedFor: string }) => Promise<MismatchAnswer>, setNew: (config: BackendConfig) => Promise<string | undefined>): Promise<string | undefined> {
    const decision = this.decide(config);
    let key: string | undefined;
    if (decision.kind === 'send') key = await this.secrets.get(secretName(config.id, decision.origin));
    else if (decision.kind === 'ask') {
      const storedFor = decision.storedFor[0]!;
      const answer = await ask({ id: config.id, origin: decision.origin, storedFor });
      if (answer === 'allowOnce') key = await this.secrets.get(secretName(config.id, storedFor));
      else if (answer === 'setNew') key = await setNew(config);
    }
    if (key) this.handedOut.add(key);
    return key;
  }

  /** The key stored for exactly `config`'s origin, or undefined: never asks (model listings). */
  async storedKeyFor(config: BackendConfig): Promise<string | undefined> {
    const decision = this.decide(config);
    if (decision.kind !== 'send') return undefined;
    const key = await this.secrets.get(secretName(config.id, decision.origin));
    if (key) this.handedOut.add(key);
    return key;
  }

  /** `text` with every key handed out in this session replaced by `••••`. */
  redact(text: string): string {
    let result = text;
    for (const key of this.handedOut) if (key.length >= 4) result = result.split(key).join('••••');
    return result;
  }
}

/** The modal question of a mismatch, as the user sees it. */
export async function askAboutOrigin(question: { id: string; origin: string; storedFor: string }): Promise<MismatchAnswer> {
  const allow = 'Allow once';
  const setNew = 'Set a new key';
  const answer = await vscode.window.showWarningMessage(
    `Backend '${question.id}' now points at ${question.origin} — send the key stored for ${question.storedFor} there?`,
    { modal: true, detail: `The key was entered for ${question.storedFor}. If you did not change the backend's baseURL or endpoint yourself, choose Cancel: a workspace's settings may be trying to send your key elsewhere.` },
    allow, setNew,
  );
  return answer === allow ? 'allowOnce' : answer === setNew ? 'setNew' : 'cancel';
}
