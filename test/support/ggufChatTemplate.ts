// A copy of a GGUF model with one more metadata entry, `tokenizer.chat_template`: the test model has
// no chat template, and node-llama-cpp only reads GGUF files. Follows the GGUF spec (versions 2 and
// 3): header, metadata entries, tensor infos, padding to `general.alignment`, tensor data. Tensor
// offsets count from the data section, so the data is copied unchanged after the new padding.
import { readFileSync, writeFileSync } from 'node:fs';

const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
const UINT32 = 4;
const DEFAULT_ALIGNMENT = 32;

class Reader {
  constructor(private readonly bytes: Buffer, public at = 0) {}
  u32(): number { const value = this.bytes.readUInt32LE(this.at); this.at += 4; return value; }
  u64(): number { const value = Number(this.bytes.readBigUInt64LE(this.at)); this.at += 8; return value; }
  string(): string { const length = this.u64(); const text = this.bytes.toString('utf8', this.at, this.at + length); this.at += length; return text; }
  /** Skips a value of `type`; returns it when it is a uint32 (general.alignment is one). */
  value(type: number): number | undefined {
    if (type === STRING) { this.string(); return undefined; }
    if (type === ARRAY) {
      const itemType = this.u32();
      const count = this.u64();
      for (let i = 0; i < count; i++) this.value(itemType);
      return undefined;
    }
    const size = SCALAR_BYTES[type];
    if (size === undefined) throw new Error(`GGUF: unknown value type ${type} at byte ${this.at}`);
    const value = type === UINT32 ? this.bytes.readUInt32LE(this.at) : undefined;
    this.at += size;
    return value;
  }
}

const u64 = (value: number) => { const bytes = Buffer.alloc(8); bytes.writeBigUInt64LE(BigInt(value)); return bytes; };
const u32 = (value: number) => { const bytes = Buffer.alloc(4); bytes.writeUInt32LE(value); return bytes; };
const ggufString = (text: string) => { const bytes = Buffer.from(text, 'utf8'); return Buffer.concat([u64(bytes.length), bytes]); };

/** Writes `target`: `source` with `tokenizer.chat_template` set to `template` (the file must not
 * have one already). */
export function writeWithChatTemplate(source: string, target: string, template: string): void {
  const bytes = readFileSync(source);
  if (bytes.toString('latin1', 0, 4) !== 'GGUF') throw new Error(`${source} is not a GGUF file`);
  const reader = new Reader(bytes, 4);
  const version = reader.u32();
  if (version < 2) throw new Error(`GGUF version ${version}: only versions 2 and 3 are written here`);
  const tensors = reader.u64();
  const entries = reader.u64();
  const entriesStart = reader.at;
  let alignment = DEFAULT_ALIGNMENT;
  for (let i = 0; i < entries; i++) {
    const key = reader.string();
    if (key === 'tokenizer.chat_template') throw new Error(`${source} already has a chat template`);
    const value = reader.value(reader.u32());
    if (key === 'general.alignment' && value !== undefined) alignment = value;
  }
  const entriesEnd = reader.at;
  for (let i = 0; i < tensors; i++) {
    reader.string();
    const dimensions = reader.u32();
    reader.at += 8 * dimensions + 4 + 8; // dimensions, type, offset
  }
  const infosEnd = reader.at;
  const dataStart = Math.ceil(infosEnd / alignment) * alignment;

  const entry = Buffer.concat([ggufString('tokenizer.chat_template'), u32(STRING), ggufString(template)]);
  const head = Buffer.concat([
    Buffer.from('GGUF', 'latin1'), u32(version), u64(tensors), u64(entries + 1),
    bytes.subarray(entriesStart, entriesEnd), entry, bytes.subarray(entriesEnd, infosEnd),
  ]);
  const padding = Buffer.alloc(Math.ceil(head.length / alignment) * alignment - head.length);
  writeFileSync(target, Buffer.concat([head, padding, bytes.subarray(dataStart)]));
}
