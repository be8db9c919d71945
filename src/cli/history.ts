// The history on the command line: `./.promptlab/history` (the folder the extension writes for a
// workspace opened here), or `--history-dir`. `run` and `compare` save into it when it exists or
// when `--history` is given; `--no-history` never. Keys in the environment are scrubbed from what
// is saved.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_RECORDS, HISTORY_FOLDER } from '../core/history/settings';
import { environmentSecrets, secretsRedactor } from '../core/history/sanitize';
import type { HistoryRecord } from '../core/history/types';
import { HistoryStore } from '../engine/history/historyStore';
import { single, UsageError, type ParsedArgs } from './args';
import type { CliIO } from './io';

/** The flags `run` and `compare` add. */
export const SAVE_HISTORY_OPTIONS = { history: {}, 'no-history': {}, 'history-dir': { value: true } } as const;

export const SAVE_HISTORY_USAGE = `  --history             Save the run in ./.promptlab/history (done anyway when that folder exists)
  --no-history          Do not save it     --history-dir <dir>  Another history folder`;

export function historyDir(parsed: ParsedArgs): string {
  return path.resolve(single(parsed, 'history-dir') ?? HISTORY_FOLDER);
}

export function cliHistoryStore(parsed: ParsedArgs, io: CliIO, command: string): HistoryStore {
  return new HistoryStore({
    dir: historyDir(parsed),
    maxRecords: DEFAULT_MAX_RECORDS,
    redact: secretsRedactor(environmentSecrets(process.env)),
    warn: (message) => io.stderr(`prompt-lab ${command}: warning: ${message}\n`),
  });
}

/** Saves `record` when the flags and the folder say so; a failure to save is a warning, never the
 * run's failure. */
export async function saveToHistory(parsed: ParsedArgs, io: CliIO, command: string, record: HistoryRecord): Promise<void> {
  if (parsed.flags.has('no-history')) {
    if (parsed.flags.has('history')) throw new UsageError('--history and --no-history contradict each other');
    return;
  }
  const dir = historyDir(parsed);
  if (!parsed.flags.has('history') && !parsed.values.has('history-dir') && !existsSync(dir)) return;
  try {
    await cliHistoryStore(parsed, io, command).save(record);
    io.stderr(`prompt-lab ${command}: saved in history as ${record.id}\n`);
  } catch (error) {
    io.stderr(`prompt-lab ${command}: warning: not saved in history: ${(error as Error).message}\n`);
  }
}

/** A prompt reference as an absolute path (a `file:` URI from the extension, or a path). */
export function promptPathOf(ref: string): string {
  if (ref.startsWith('file:')) {
    try {
      return path.resolve(fileURLToPath(ref));
    } catch {
      return ref;
    }
  }
  return /^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref) ? ref : path.resolve(ref);
}
