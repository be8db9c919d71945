// A file split into chunks for ranking: each at most `size` characters, cut along the document's own
// seams so a passage reads as a whole. Blocks are runs of lines between blank lines; a Markdown
// heading (or a fenced code block's start) also starts a block, and a heading always starts a new
// chunk, so a section's text is not glued to the end of the one before. Blocks are packed into a
// chunk while they fit; a block larger than `size` is cut at line ends, and a line larger than
// `size` at `size` characters (its chunks share its line number).

export interface Chunk {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

interface Block { startLine: number; endLine: number }

const HEADING = /^ {0,3}#{1,6}(\s|$)/;
const FENCE = /^ {0,3}(```|~~~)/;

export function chunkText(text: string, size: number): Chunk[] {
  const lines = text.split(/\r?\n/);
  // offsets[i]: characters before line i + 1 (1-based), newlines included.
  const offsets = [0];
  for (const line of lines) offsets.push(offsets.at(-1)! + line.length + 1);
  const span = (first: number, last: number) => offsets[last]! - offsets[first - 1]! - 1;
  const chunks: Chunk[] = [];
  let start: number | undefined;
  let end = 0;
  const flush = () => {
    if (start !== undefined) chunks.push({ startLine: start, endLine: end, text: lines.slice(start - 1, end).join('\n') });
    start = undefined;
  };
  for (const block of blocksOf(lines)) {
    if (start !== undefined && (HEADING.test(lines[block.startLine - 1]!) || span(start, block.endLine) > size)) flush();
    if (span(block.startLine, block.endLine) <= size) {
      start ??= block.startLine;
      end = block.endLine;
      continue;
    }
    // Too large for one chunk: by lines, and a line too long by characters.
    for (let line = block.startLine; line <= block.endLine; line++) {
      if (start !== undefined && span(start, line) > size) flush();
      const lineText = lines[line - 1]!;
      if (lineText.length <= size) {
        start ??= line;
        end = line;
        continue;
      }
      flush();
      for (let at = 0; at < lineText.length; at += size) chunks.push({ startLine: line, endLine: line, text: lineText.slice(at, at + size) });
    }
  }
  flush();
  return chunks;
}

/** Runs of non-blank lines, split before headings and code fences (a fence's block runs to its
 * closing fence, blank lines included). Line numbers are 1-based. */
function blocksOf(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let block: Block | undefined;
  let inFence = false;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const fence = FENCE.test(line);
    if (inFence) {
      block!.endLine = lineNumber;
      if (fence) {
        inFence = false;
        block = undefined;
      }
      return;
    }
    if (line.trim() === '') {
      block = undefined;
      return;
    }
    if (!block || HEADING.test(line) || fence) {
      block = { startLine: lineNumber, endLine: lineNumber };
      blocks.push(block);
    }
    block.endLine = lineNumber;
    if (fence) inFence = true;
  });
  return blocks;
}
