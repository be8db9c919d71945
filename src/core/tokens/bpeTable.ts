// tiktoken's byte-pair ranks (a token's bytes → its id) as three flat arrays: the tokens' bytes one
// after another in id order, where each one starts, and an open-addressing hash table of ids keyed
// by those bytes. tiktoken's own WASM constructor took 250–330 ms for o200k_base (a hash map of
// 200k heap vectors and a Unicode regex compiled on every start: before issue 15's fix, every CLI
// comparison waited for it); this table is built from the same ranks file in a fraction of that,
// and a lookup reads bytes in place, allocating nothing.

export interface BpeTable {
  /** The id of the token whose bytes are `bytes[start, end)`, or -1 when no token has them. */
  rank(bytes: Uint8Array, start: number, end: number): number;
  /** The bytes of token `id` (a view into the table: copy before changing). Empty for an unknown id. */
  bytesOf(id: number): Uint8Array;
  /** How many tokens the table holds. */
  readonly size: number;
  /** The table as bytes that tableFromBytes reads back. */
  toBytes(): Uint8Array;
}

/** FNV-1a over `bytes[start, end)`: cheap, and spreads the short byte strings of a vocabulary well. */
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/** Whether a[aAt, aAt + length) holds the same bytes as b[bAt, bAt + length). */
function sameRange(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

const BASE64 = new Int16Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) BASE64[c.charCodeAt(0)] = i;

class FlatBpeTable implements BpeTable {
  /** `slots[h]` is id + 1, 0 when free; its length is a power of two, at least twice `size`. */
  private readonly mask: number;

  constructor(
    private readonly blob: Uint8Array,
    /** Token id i's bytes are blob[starts[i], starts[i + 1]); an id no token has is empty. */
    private readonly starts: Uint32Array,
    private readonly slots: Uint32Array,
    readonly size: number,
  ) {
    this.mask = slots.length - 1;
  }

  /** The table of the tokens blob[starts[id], starts[id + 1]) (`size` of them), its hash slots built. */
  static hashed(blob: Uint8Array, starts: Uint32Array, size: number): FlatBpeTable {
    let capacity = 1;
    while (capacity < size * 2) capacity *= 2;
    const slots = new Uint32Array(capacity);
    const mask = capacity - 1;
    const table = new FlatBpeTable(blob, starts, slots, size); // filled in place below
    for (let id = 0; id + 1 < starts.length; id++) {
      if (starts[id + 1] === starts[id]) continue; // an id no token has
      // Two ids with the same bytes would make a token's id ambiguous; tiktoken refuses them too.
      const same = table.rank(blob, starts[id]!, starts[id + 1]!);
      if (same !== -1) throw new Error(`bpe_ranks: ids ${same} and ${id} have the same bytes`);
      let slot = hashOf(blob, starts[id]!, starts[id + 1]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    return table;
  }

  rank(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const { blob, starts, slots, mask } = this;
    // At most one pass over the slots: a table read from a damaged file may have no free one.
    for (let slot = hashOf(bytes, start, end) & mask, probes = 0; probes <= mask; slot = (slot + 1) & mask, probes++) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      const id = entry - 1;
      const at = starts[id]!;
      if (starts[id + 1]! - at === length && sameRange(blob, at, bytes, start, length)) return id;
    }
    return -1;
  }

  /** The table as one buffer (tableFromBytes reads it back): a header, then the arrays as they are
   * in memory (little-endian, as on every platform the .vsix targets), so loading is a file read
   * and three views. */
  toBytes(): Uint8Array {
    const { blob, starts, slots } = this;
    const out = new Uint8Array(HEADER_BYTES + starts.byteLength + slots.byteLength + blob.byteLength);
    const header = new Uint32Array(out.buffer, 0, HEADER_BYTES / 4);
    header.set([MAGIC, FORMAT_VERSION, this.size, starts.length, slots.length, blob.length]);
    out.set(new Uint8Array(starts.buffer, starts.byteOffset, starts.byteLength), HEADER_BYTES);
    out.set(new Uint8Array(slots.buffer, slots.byteOffset, slots.byteLength), HEADER_BYTES + starts.byteLength);
    out.set(blob, HEADER_BYTES + starts.byteLength + slots.byteLength);
    return out;
  }

  bytesOf(id: number): Uint8Array {
    if (!Number.isInteger(id) || id < 0 || id + 1 >= this.starts.length) return new Uint8Array(0);
    return this.blob.subarray(this.starts[id]!, this.starts[id + 1]!);
  }
}

/** "PLBP", little-endian, then the format's version: a file of another layout is not read. */
const MAGIC = 0x50424c50;
const FORMAT_VERSION = 1;
const HEADER_BYTES = 24;

/** A table written by `toBytes()` (esbuild.mjs writes dist/encoders/<name>.bpe so). Throws when the
 * bytes are not such a table (another format version, cut short). */
export function tableFromBytes(bytes: Uint8Array): BpeTable {
  // Typed arrays need 4-byte alignment: a Buffer from a pool may not have it.
  const data = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const fail = (why: string) => new Error(`not a Prompt Lab token table (${why})`);
  if (data.byteLength < HEADER_BYTES) throw fail('too short');
  const [magic, version, size, startsLength, slotsLength, blobLength] = new Uint32Array(data.buffer, data.byteOffset, HEADER_BYTES / 4);
  if (magic !== MAGIC || version !== FORMAT_VERSION) throw fail(`format ${magic === MAGIC ? version : 'unknown'}`);
  const startsAt = data.byteOffset + HEADER_BYTES;
  const slotsAt = startsAt + startsLength! * 4;
  const blobAt = slotsAt + slotsLength! * 4;
  if (blobAt + blobLength! !== data.byteOffset + data.byteLength || slotsLength! === 0 || (slotsLength! & (slotsLength! - 1)) !== 0) throw fail('lengths do not add up');
  const starts = new Uint32Array(data.buffer, startsAt, startsLength);
  if (starts[startsLength! - 1] !== blobLength) throw fail('lengths do not add up');
  return new FlatBpeTable(new Uint8Array(data.buffer, blobAt, blobLength), starts, new Uint32Array(data.buffer, slotsAt, slotsLength), size!);
}

/** Reads tiktoken's `bpe_ranks` text in one pass over its characters (no string per token: o200k's
 * 200k tokens split into strings took ~150 ms). Two line forms, as tiktoken's WASM reads them:
 * `<base64> <id>` (the .tiktoken files), and `! <first id> <base64> <base64> …`, tokens with
 * consecutive ids (the compact form of tiktoken/encoders/<name>.json). The tokens' bytes go into
 * `blob` in file order; token i is blob[ends[i - 1], ends[i]) with id ids[i]. */
class RanksReader {
  private at = 0;
  readonly blob: Uint8Array;
  private written = 0;
  ids: Int32Array;
  ends: Uint32Array;
  count = 0;

  constructor(private readonly text: string) {
    this.blob = new Uint8Array(Math.ceil(text.length * 0.75));
    const guess = Math.max(16, Math.ceil(text.length / 6));
    this.ids = new Int32Array(guess);
    this.ends = new Uint32Array(guess);
  }

  read(): this {
    const { text } = this;
    while (this.at < text.length) {
      this.skipSpaces();
      if (this.at >= text.length) break;
      const code = text.charCodeAt(this.at);
      if (code === 10 || code === 13) {
        this.at++;
      } else if (code === 33 && text.charCodeAt(this.at + 1) === 32) { // "! <first id> <base64>…"
        this.at += 2;
        this.skipSpaces();
        let id = this.number();
        for (this.skipSpaces(); this.at < text.length && !this.atLineEnd(); this.skipSpaces()) {
          this.token();
          this.record(id++);
        }
      } else { // "<base64> <id>"
        this.token();
        this.skipSpaces();
        this.record(this.number());
        this.skipSpaces();
        if (this.at < text.length && !this.atLineEnd()) throw this.error('a line holds more than a token and its id');
      }
    }
    return this;
  }

  private atLineEnd(): boolean {
    const code = this.text.charCodeAt(this.at);
    return code === 10 || code === 13;
  }

  /** The token just decoded (it ends where the blob does now) has id `id`. */
  private record(id: number): void {
    if (this.count === this.ids.length) {
      const ids = new Int32Array(this.count * 2);
      ids.set(this.ids);
      this.ids = ids;
      const ends = new Uint32Array(this.count * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.ids[this.count] = id;
    this.ends[this.count] = this.written;
    this.count++;
  }

  private skipSpaces(): void {
    while (this.text.charCodeAt(this.at) === 32) this.at++;
  }

  private number(): number {
    const start = this.at;
    let value = 0;
    for (let code = this.text.charCodeAt(this.at); code >= 48 && code <= 57; code = this.text.charCodeAt(++this.at)) value = value * 10 + code - 48;
    if (this.at === start || value > 0x7ffffffe) throw this.error('a token id is missing or too large');
    return value;
  }

  /** Decodes one base64 word (standard alphabet, `=` padding) at `at` into the blob. */
  private token(): void {
    const { text } = this;
    let bits = 0;
    let held = 0;
    const start = this.at;
    for (; this.at < text.length; this.at++) {
      const code = text.charCodeAt(this.at);
      if (code === 32 || code === 10 || code === 13) break;
      if (code === 61) continue; // padding
      const value = code < 128 ? BASE64[code]! : -1;
      if (value < 0) throw this.error('a token is not base64');
      bits = ((bits << 6) | value) & 0xffffff;
      held += 6;
      if (held >= 8) {
        held -= 8;
        this.blob[this.written++] = (bits >> held) & 0xff;
      }
    }
    if (this.at === start) throw this.error('a token is empty');
  }

  private error(what: string): Error {
    return new Error(`bpe_ranks: ${what} at character ${this.at + 1}`);
  }
}

/** Decodes tiktoken's `bpe_ranks` text (as in tiktoken/encoders/<name>.json) into a table. Throws on
 * a malformed entry, or an id or bytes given twice. */
export function bpeTableOf(bpeRanks: string): BpeTable {
  const { blob: fileBlob, ids, ends, count } = new RanksReader(bpeRanks).read();
  let maxId = -1;
  for (let i = 0; i < count; i++) if (ids[i]! > maxId) maxId = ids[i]!;
  const tokenAt = new Int32Array(maxId + 1).fill(-1);
  for (let i = 0; i < count; i++) {
    if (tokenAt[ids[i]!] !== -1) throw new Error(`bpe_ranks: id ${ids[i]} is given twice`);
    tokenAt[ids[i]!] = i;
  }
  const startOf = (token: number) => (token === 0 ? 0 : ends[token - 1]!);
  const starts = new Uint32Array(maxId + 2);
  for (let id = 0; id <= maxId; id++) {
    const token = tokenAt[id]!;
    starts[id + 1] = starts[id]! + (token === -1 ? 0 : ends[token]! - startOf(token));
  }
  // In id order. tiktoken's files already are: then the bytes as read are the blob.
  let blob = fileBlob.subarray(0, count > 0 ? ends[count - 1]! : 0);
  let inOrder = true;
  for (let id = 0; id <= maxId && inOrder; id++) inOrder = tokenAt[id] === id;
  if (!inOrder) {
    blob = new Uint8Array(blob.length);
    for (let id = 0; id <= maxId; id++) {
      const token = tokenAt[id]!;
      if (token !== -1) blob.set(fileBlob.subarray(startOf(token), ends[token]!), starts[id]!);
    }
  }
  return FlatBpeTable.hashed(blob, starts, count);
}
