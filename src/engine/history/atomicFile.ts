// Writing a file so that a reader sees the old content or the new, never a part: the text goes to a
// temporary file beside it (same folder, so the rename stays on one file system), is flushed, and
// is renamed over the target. A crash between the write and the rename leaves the old file and a
// stray `.tmp` that readers ignore (names starting with `.`).
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteHooks {
  /** Runs after the temporary file is written and flushed, before the rename (tests simulate a crash here). */
  beforeRename?(temp: string, target: string): Promise<void> | void;
}

/** `data` may come in pieces (a big record serialised a field at a time): they are written one after
 * another, none turned into one big buffer at once. */
export async function writeFileAtomic(target: string, data: string | readonly string[], hooks: AtomicWriteHooks = {}): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await writeFile(handle, typeof data === 'string' ? data : data.values(), 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await hooks.beforeRename?.(temp, target);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Appends `line` (one `\n`-ended line) with O_APPEND in one write: two processes appending at once
 * each land whole, one after the other. */
export async function appendLine(file: string, line: string): Promise<void> {
  const buffer = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
  const handle = await open(file, 'a', 0o600);
  try {
    const { bytesWritten } = await handle.write(buffer, 0, buffer.length);
    if (bytesWritten !== buffer.length) throw new Error(`${file}: only ${bytesWritten} of ${buffer.length} bytes appended`);
  } finally {
    await handle.close();
  }
}
