// Files the user names on the command line (a prompt, --input-file, --config, a dataset, an output
// file, --model-path) that cannot be used: said in words, in one line, never as a raw errno code
// ("ENOENT") or an internal error (exit 70). A file that cannot be read is bad usage (exit 2), and
// the command's whole usage would not help: the message says what is wrong.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UsageError } from './args';

/** A Node file-system error: errno code, the call and the path. */
export const isFileSystemError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';

const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links (a link loop)',
  EMFILE: 'too many open files',
};

/** Why a file could not be used, in words: "no such file", "is a folder, not a file", "permission denied". */
export function errnoWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && WORDS[code]) return WORDS[code];
  const message = error instanceof Error ? error.message : String(error);
  // Node's own texts begin with the code ("EBUSY: resource busy or locked, open 'x'"): keep the words.
  return message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '[^']*'$/, '');
}

/** A file named on the command line cannot be used: one line, exit 2, no usage after it. */
export class FileError extends UsageError {
  constructor(message: string) {
    super(message, { showUsage: false });
    this.name = 'FileError';
  }
}

/** `cannot read 'nope.prompt': no such file`; with `flag`, which option named it. */
export const cannotRead = (file: string, error: unknown, flag?: string): FileError =>
  new FileError(`cannot read '${file}'${flag ? ` (${flag})` : ''}: ${errnoWords(error)}`);

/** Reads a text file the user named; a FileError in words when it cannot be. */
export async function readUserFile(file: string, flag?: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw cannotRead(file, error, flag);
  }
}

/** A file-system error that escaped a command (writing --junit into a missing folder, say), as the
 * one line the user sees: what was done to which path, and why it failed. */
export function fileSystemMessage(error: NodeJS.ErrnoException): string {
  const verb: Record<string, string> = { open: 'open', read: 'read', write: 'write', mkdir: 'create the folder', stat: 'find', lstat: 'find', realpath: 'find', scandir: 'list', rename: 'rename', unlink: 'remove' };
  const what = verb[error.syscall ?? ''] ?? 'use';
  const code = error.code === 'ENOENT' ? 'no such file or folder' : errnoWords(error);
  return error.path !== undefined ? `cannot ${what} '${error.path}': ${code}` : `${error.syscall}: ${code}`;
}

/** Where a local model path came from, as the message names it: `--model-path`, the config file's
 * `modelPath` of a backend, or the environment variable. */
export type ModelPathSource = string;

/** Why `given` is not a model file the local backend can load (it does not exist, is a folder, a
 * pipe), naming where the path came from and how to set another; undefined when it is a file. */
export function modelFileProblem(given: string, from: ModelPathSource, howToSet: string): string | undefined {
  const file = path.resolve(given);
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    return `the model file ${file} (from ${from}): ${errnoWords(error)}. ${howToSet}`;
  }
  if (info.isDirectory()) return `the model file ${file} (from ${from}) is a folder, not a GGUF file. ${howToSet}`;
  if (!info.isFile()) return `the model file ${file} (from ${from}) is not a regular file (a pipe, a device or a socket). ${howToSet}`;
  return undefined;
}
