// Side-by-side output of a comparison: a column per setting, a row per sample, each cell's text
// wrapped to the column's width. Plain text for terminals, Markdown for reports.
import { markdownCellText } from '../core/comparisonExport';

export interface TableColumn {
  label: string;
  cells: string[];
  /** Lines under the column (its metrics). */
  footer: string[];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r/g, '').split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(\s+)/).filter(Boolean)) {
      if (/^\s+$/.test(word)) {
        if (line) line += ' ';
        continue;
      }
      for (let rest = word; rest.length > 0;) {
        const room = width - line.length;
        if (rest.length <= room) { line += rest; rest = ''; }
        else if (line.trim()) { lines.push(line.trimEnd()); line = ''; }
        else { lines.push(rest.slice(0, width)); rest = rest.slice(width); }
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

export function textTable(columns: readonly TableColumn[], totalWidth: number): string {
  const gap = ' │ ';
  const width = Math.max(16, Math.floor((totalWidth - gap.length * (columns.length - 1)) / columns.length));
  const pad = (text: string) => text.padEnd(width);
  const row = (blocks: string[][]) => {
    const height = Math.max(...blocks.map((block) => block.length));
    return Array.from({ length: height }, (_, i) => blocks.map((block) => pad(block[i] ?? '')).join(gap).trimEnd()).join('\n');
  };
  const rule = columns.map(() => '─'.repeat(width)).join('─┼─');
  const samples = Math.max(...columns.map((column) => column.cells.length));
  const parts = [row(columns.map((column) => wrap(column.label, width))), rule];
  for (let sample = 0; sample < samples; sample++) {
    parts.push(row(columns.map((column) => wrap(column.cells[sample] ?? '', width))), rule);
  }
  parts.push(row(columns.map((column) => column.footer.flatMap((line) => wrap(line, width)))));
  return `${parts.join('\n')}\n`;
}

// Model text must not break the table or inject HTML (core/comparisonExport.ts).
const cellText = markdownCellText;

export function markdownTable(columns: readonly TableColumn[]): string {
  const samples = Math.max(...columns.map((column) => column.cells.length));
  const lines = [
    `| sample | ${columns.map((column) => cellText(column.label)).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (let sample = 0; sample < samples; sample++) {
    lines.push(`| ${sample + 1} | ${columns.map((column) => cellText(column.cells[sample] ?? '')).join(' | ')} |`);
  }
  lines.push(`| metrics | ${columns.map((column) => cellText(column.footer.join('\n'))).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
