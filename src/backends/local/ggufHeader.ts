// A cheap look at a GGUF file's header before a model process is started for it. node-llama-cpp
// trusts the header's counts: a 20-byte file that claims billions of tensors or metadata entries
// made the model process hang for good. The counts are checked against what the file could hold.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Bytes before the counts: the magic and the version (both versions' layouts). */
const MAGIC = 'GGUF';
/** Versions 2 and 3 store the counts as uint64; version 1 as uint32. */
const HEADER_BYTES = { v1: 16, v2: 24 } as const;
/** The least a tensor's description can take: name length, no name, one dimension count, no
 * dimensions, a type and an offset (version 1 counts lengths in 4 bytes, later ones in 8: the
 * smaller figure serves both). */
const MIN_TENSOR_INFO_BYTES = 4 + 4 + 4 + 8;
/** The least a metadata entry can take: key length, no key, a value type and a one-byte value. */
const MIN_KV_BYTES = 4 + 4 + 1;

/** Why `file` cannot be a GGUF model, in words naming the file; undefined when it is a regular file
 * whose header is plausible (the model process still reports what the header does not show). */
export async function ggufHeaderProblem(file: string): Promise<string | undefined> {
  const notModel = (why: string) => `the model ${file} did not load: it is not a GGUF model file (${why})`;
  const header = Buffer.alloc(HEADER_BYTES.v2);
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer. The kind of file is
  // asked of the opened handle, so a file swapped after an earlier check is still caught.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let read: number;
  let size: number;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return `the model ${file} is a folder, not a GGUF model file`;
    if (!stat.isFile()) return `the model ${file} is not a regular file (a pipe, a device or a socket), not a GGUF model file`;
    size = stat.size;
    ({ bytesRead: read } = await handle.read(header, 0, header.length, 0));
  } finally {
    await handle.close();
  }
  if (read < 8 || header.toString('latin1', 0, 4) !== MAGIC) return notModel('it does not begin with the bytes "GGUF"');
  const version = header.readUInt32LE(4);
  if (version < 1 || version > 3) return notModel(`GGUF version ${version}: only versions 1 to 3 exist`);
  const headerBytes = version === 1 ? HEADER_BYTES.v1 : HEADER_BYTES.v2;
  if (read < headerBytes) return notModel(`it ends inside its header, after ${read} bytes`);
  const tensors = version === 1 ? BigInt(header.readUInt32LE(8)) : header.readBigUInt64LE(8);
  const entries = version === 1 ? BigInt(header.readUInt32LE(12)) : header.readBigUInt64LE(16);
  const least = BigInt(headerBytes) + tensors * BigInt(MIN_TENSOR_INFO_BYTES) + entries * BigInt(MIN_KV_BYTES);
  if (least > BigInt(size)) {
    return notModel(`its header claims ${tensors} tensors and ${entries} metadata entries, which need at least ${least} bytes; the file has ${size}`);
  }
  return undefined;
}
