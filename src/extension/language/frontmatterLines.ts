// A line-level view of the frontmatter that also holds while the YAML is half typed (completions,
// hovers and the outline must not wait for it to parse): where it is, its top-level keys and the
// keys of a block such as `config:`. No `vscode` here.

export interface FrontmatterLines {
  /** The file's lines, without line breaks. */
  lines: string[];
  /** The first YAML line (1: line 0 is `---`). */
  first: number;
  /** The closing `---` line; undefined while the frontmatter is not closed. */
  close: number | undefined;
}

export const splitLines = (text: string): string[] => text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));

const FENCE = /^---\s*$/;

export function frontmatterLines(text: string): FrontmatterLines | undefined {
  const lines = splitLines(text);
  if (!FENCE.test(lines[0] ?? '')) return undefined;
  const close = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
  return { lines, first: 1, close: close === -1 ? undefined : close };
}

/** True for lines inside the YAML (not the fences). */
export function inFrontmatter(frontmatter: FrontmatterLines, line: number): boolean {
  return line >= frontmatter.first && (frontmatter.close === undefined || line < frontmatter.close);
}

export interface KeyLine {
  key: string;
  line: number;
}

const KEY = /^([^\s#:'"{[-][^:#]*?)\s*:(\s|$)/;
const indentOf = (line: string) => /^\s*/.exec(line)![0].length;
const isBlank = (line: string) => /^\s*(#.*)?$/.test(line);
const lastLine = (frontmatter: FrontmatterLines) => (frontmatter.close ?? frontmatter.lines.length) - 1;

/** The top-level keys, in order. */
export function topLevelKeys(frontmatter: FrontmatterLines): KeyLine[] {
  const keys: KeyLine[] = [];
  for (let line = frontmatter.first; line <= lastLine(frontmatter); line++) {
    const match = KEY.exec(frontmatter.lines[line]!);
    if (match) keys.push({ key: match[1]!, line });
  }
  return keys;
}

/** The nearest line above `line` that is less indented, when `line` is indented: its parent key. */
export function parentKey(frontmatter: FrontmatterLines, line: number): KeyLine | undefined {
  const indent = indentOf(frontmatter.lines[line] ?? '');
  if (indent === 0) return undefined;
  for (let above = line - 1; above >= frontmatter.first; above--) {
    const text = frontmatter.lines[above]!;
    if (isBlank(text) || indentOf(text) >= indent) continue;
    const match = KEY.exec(text.trimStart());
    return match ? { key: match[1]!, line: above } : undefined;
  }
  return undefined;
}

/** The keys directly under the block key at `line` (`config:` followed by indented keys), and
 * those of a flow map on the same line (`config: { temperature: 0.7 }`). */
export function childKeys(frontmatter: FrontmatterLines, line: number): KeyLine[] {
  const keys: KeyLine[] = [];
  const flow = /:\s*\{(.*)/.exec(frontmatter.lines[line] ?? '');
  if (flow) {
    for (const match of flow[1]!.matchAll(/(?:^|,)\s*([\w.-]+)\s*:/g)) keys.push({ key: match[1]!, line });
    return keys;
  }
  let childIndent: number | undefined;
  for (let below = line + 1; below <= lastLine(frontmatter); below++) {
    const text = frontmatter.lines[below]!;
    if (isBlank(text)) continue;
    const indent = indentOf(text);
    if (indent === 0) break;
    childIndent ??= indent;
    if (indent !== childIndent) continue;
    const match = KEY.exec(text.trimStart());
    if (match) keys.push({ key: match[1]!, line: below });
  }
  return keys;
}
