// Where an encoding's table comes from at run time. Bundled (dist/*.js, the .vsix) there is no
// node_modules: esbuild.mjs builds each encoding's table from tiktoken's ranks once and writes it to
// dist/encoders/<name>.bpe, beside the bundle (`__dirname` is dist/); loading it is a file read.
// Unbundled (tsc's out/, the unit tests) the table is built from tiktoken's own ranks file in
// node_modules/tiktoken (~80 ms for o200k_base).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TIKTOKEN_PATTERNS } from './bpeEncoder';
import { bpeTableOf, tableFromBytes, type BpeTable } from './bpeTable';
import type { EncodingName } from './encodings';

/** What `tiktoken/encoders/<name>.json` holds: the arguments of the `Tiktoken` constructor. */
export interface EncodingRanks {
  bpe_ranks: string;
  special_tokens: Record<string, number>;
  pat_str: string;
}

/** The folder, beside the bundle, that holds the ranks files (named as in tiktoken's package). */
export const RANKS_DIR = 'encoders';

/** Where `<name>.json` may be, first match wins: beside the bundle, then in any node_modules/tiktoken
 * above this file (the way tiktoken itself finds its WASM). Not `require.resolve`: esbuild would try
 * to bundle the path and warn. */
export function ranksCandidates(encoding: EncodingName, from: string = __dirname): string[] {
  const file = `${encoding}.json`;
  const candidates = [path.join(from, RANKS_DIR, file)];
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') candidates.push(path.join(dir, 'node_modules', 'tiktoken', RANKS_DIR, file));
    if (path.dirname(dir) === dir) break;
  }
  return candidates;
}

export function readRanks(encoding: EncodingName, from: string = __dirname): EncodingRanks {
  const candidates = ranksCandidates(encoding, from);
  for (const candidate of candidates) {
    let text: string;
    try {
      text = readFileSync(candidate, 'utf8');
    } catch {
      continue;
    }
    return JSON.parse(text) as EncodingRanks;
  }
  throw new Error(`tiktoken ranks for ${encoding} not found; looked in:\n  ${candidates.join('\n  ')}`);
}

/** The file, beside the bundle, of an encoding's table as esbuild.mjs writes it. */
export const tableFile = (encoding: EncodingName, from: string = __dirname) => path.join(from, RANKS_DIR, `${encoding}.bpe`);

/** The encoding's table: the one built beside the bundle, else built from tiktoken's ranks file.
 * Refuses a ranks file whose pre-tokenizer is not the one bpeEncoder.ts implements (a tiktoken
 * upgrade that changed it must change the encoder too). */
export function loadBpeTable(encoding: EncodingName, from: string = __dirname): BpeTable {
  let built: Buffer | undefined;
  try {
    built = readFileSync(tableFile(encoding, from));
  } catch {
    // Not bundled: tiktoken's own file, below.
  }
  if (built) return tableFromBytes(built);
  const ranks = readRanks(encoding, from);
  if (ranks.pat_str !== TIKTOKEN_PATTERNS[encoding]) throw new Error(`tiktoken's ${encoding} splits text with another pattern than Prompt Lab's tokenizer knows: ${ranks.pat_str}`);
  return bpeTableOf(ranks.bpe_ranks);
}
