// The config files the user has allowed to send their API keys: a per-user list of
// (real path, SHA-256 of the content), as direnv keeps its allowed .envrc files. A file is trusted
// only as it was when trusted: an edit (a new server, another variable) must be allowed again.
//   $XDG_CONFIG_HOME/prompt-lab/trusted.json (else ~/.config/…; on Windows %APPDATA%\prompt-lab\…)
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';

export interface TrustedConfig {
  /** The config file's real path (symbolic links resolved). */
  path: string;
  /** SHA-256 of its bytes, hex. */
  sha256: string;
  /** When it was trusted (ISO 8601), for a reader of the file. */
  trustedAt: string;
}

interface TrustFile { version: 1; trusted: TrustedConfig[] }

/** Where the trust store is, for this user. */
export function trustStorePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg
    : platform === 'win32' && env.APPDATA ? env.APPDATA
      : path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'prompt-lab', 'trusted.json');
}

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The store's entries; none when it does not exist. A store that cannot be read trusts nothing. */
async function readStore(store: string): Promise<{ entries: TrustedConfig[]; problem?: string }> {
  let text: string;
  try {
    text = await readFile(store, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
    return { entries: [], problem: (error as Error).message };
  }
  try {
    const data = JSON.parse(text) as Partial<TrustFile>;
    if (!Array.isArray(data.trusted)) throw new Error('no "trusted" list');
    const entries = data.trusted.filter((entry): entry is TrustedConfig => typeof entry?.path === 'string' && typeof entry.sha256 === 'string');
    return { entries };
  } catch (error) {
    return { entries: [], problem: `not a trust store: ${(error as Error).message}` };
  }
}

export async function isTrusted(store: string, realPath: string, sha256: string): Promise<boolean> {
  const { entries } = await readStore(store);
  return entries.some((entry) => entry.path === realPath && entry.sha256 === sha256);
}

/** Records `realPath` at `sha256` as trusted, replacing what was recorded for that path before. */
export async function recordTrust(store: string, realPath: string, sha256: string, now = new Date()): Promise<void> {
  const { entries, problem } = await readStore(store);
  // Overwriting a store we could not read would silently forget what the user trusted.
  if (problem) throw new Error(`${store}: ${problem}; fix or delete it`);
  const trusted = [...entries.filter((entry) => entry.path !== realPath), { path: realPath, sha256, trustedAt: now.toISOString() }];
  await mkdir(path.dirname(store), { recursive: true, mode: 0o700 });
  // Write then rename: a crash or a concurrent reader never sees half a file.
  const temporary = `${store}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ version: 1, trusted } satisfies TrustFile, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, store);
}
