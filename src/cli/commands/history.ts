// `prompt-lab history list|show|export`: the records the extension (and `run`/`compare --history`)
// saved, their feedback exported as preference pairs or eval tests.
import { writeFile } from 'node:fs/promises';
import { preferencePairs, preferencesJsonl, testCases, testsYaml, type TestExportOptions } from '../../core/history/exports';
import type { HistoryEntry, SavedRecord } from '../../core/history/types';
import { HistoryError } from '../../engine/history/historyStore';
import { parseArgs, single, UsageError, type ParsedArgs } from '../args';
import type { CliCommand } from '../commands';
import { cliHistoryStore, promptPathOf } from '../history';
import { ExitCode, type CliIO } from '../io';

const OPTIONS = {
  prompt: { value: true }, json: {}, 'history-dir': { value: true },
  preferences: { value: true }, tests: { value: true }, match: { value: true }, threshold: { value: true },
};

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

function entryLine(entry: HistoryEntry): string {
  const target = `${entry.backend}${entry.model ? `/${entry.model}` : ''}`;
  const outcome = entry.passRate !== undefined ? `pass ${percent(entry.passRate)}` : `${entry.done}/${entry.completions} done`;
  const ratings = entry.ratings.up + entry.ratings.down > 0 ? ` · 👍 ${entry.ratings.up} 👎 ${entry.ratings.down}` : '';
  const varied = entry.varied.length ? ` · ${entry.varied.join(' · ')}` : '';
  return `${entry.id}  ${entry.createdAt}  ${entry.kind.padEnd(10)} ${entry.promptName || '(no prompt)'} · ${target || '?'}${varied} · ${outcome}${ratings}\n`;
}

async function entriesFor(parsed: ParsedArgs, io: CliIO): Promise<{ store: ReturnType<typeof cliHistoryStore>; entries: HistoryEntry[] }> {
  const store = cliHistoryStore(parsed, io, 'history');
  const prompt = single(parsed, 'prompt');
  const entries = await store.list();
  if (prompt === undefined) return { store, entries };
  const wanted = promptPathOf(prompt);
  return { store, entries: entries.filter((entry) => promptPathOf(entry.promptFile) === wanted) };
}

async function list(parsed: ParsedArgs, io: CliIO): Promise<number> {
  const { entries, store } = await entriesFor(parsed, io);
  if (parsed.flags.has('json')) io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
  else if (entries.length === 0) io.stderr(`prompt-lab history: no records in ${store.dir}\n`);
  else for (const entry of entries) io.stdout(entryLine(entry));
  return ExitCode.ok;
}

function completionLines(record: SavedRecord): string[] {
  const fields = record as Record<string, unknown>;
  const feedback = record.feedback ?? {};
  const note = (key: string) => {
    const given = feedback[key];
    if (!given) return '';
    return ` ${given.rating === 'up' ? '👍' : given.rating === 'down' ? '👎' : ''}${given.note ? ` “${given.note}”` : ''}${given.betterAnswer !== undefined ? ' (edited answer kept)' : ''}`;
  };
  if (record.kind === 'run') {
    const result = fields.result as { text?: string } | undefined;
    return [`--- run${note('run')}\n${result?.text ?? ''}\n`];
  }
  const cells = Array.isArray(fields.cells) ? (fields.cells as { column: number; sample: number; status: string; text: string }[]) : [];
  const columns = Array.isArray(fields.columns) ? (fields.columns as { label?: string }[]) : [];
  return cells.map((cell, index) => `--- cell:${index} · ${columns[cell.column]?.label ?? `column ${cell.column}`} · sample ${cell.sample + 1} · ${cell.status}${note(`cell:${index}`)}\n${cell.text}\n`);
}

async function show(parsed: ParsedArgs, io: CliIO): Promise<number> {
  const id = parsed.positionals[1];
  if (id === undefined) throw new UsageError('history show needs a record id (see prompt-lab history list)');
  const store = cliHistoryStore(parsed, io, 'history');
  let record: SavedRecord | undefined;
  try {
    record = await store.get(id);
  } catch (error) {
    if (error instanceof HistoryError) {
      io.stderr(`prompt-lab history: ${error.message}\n`);
      return ExitCode.findings;
    }
    throw error;
  }
  if (!record) {
    io.stderr(`prompt-lab history: there is no record ${id} in ${store.dir}\n`);
    return ExitCode.findings;
  }
  if (parsed.flags.has('json')) {
    io.stdout(`${JSON.stringify(record, null, 2)}\n`);
    return ExitCode.ok;
  }
  const fields = record as Record<string, unknown>;
  const prompt = (fields.prompt ?? {}) as { file?: string };
  io.stdout(`${record.kind} ${record.id} · ${record.createdAt}\nprompt: ${prompt.file ?? '(none)'}\nbackend: ${String(fields.backend ?? '')}${fields.model ? `/${String(fields.model)}` : ''}\n`);
  for (const line of completionLines(record)) io.stdout(line);
  return ExitCode.ok;
}

function exportOptions(parsed: ParsedArgs): TestExportOptions {
  const match = single(parsed, 'match');
  if (match !== undefined && match !== 'rouge-l' && match !== 'bleu' && match !== 'equals') throw new UsageError(`--match must be rouge-l, bleu or equals, not '${match}'`);
  const text = single(parsed, 'threshold');
  const threshold = text === undefined ? undefined : Number(text);
  if (threshold !== undefined && (text!.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)) throw new UsageError(`--threshold must be a number from 0 to 1, not '${text}'`);
  return { ...(match ? { match } : {}), ...(threshold !== undefined ? { threshold } : {}) };
}

async function exportFeedback(parsed: ParsedArgs, io: CliIO): Promise<number> {
  const preferences = single(parsed, 'preferences');
  const tests = single(parsed, 'tests');
  if (preferences === undefined && tests === undefined) throw new UsageError('history export needs --preferences out.jsonl and/or --tests out.yaml');
  const options = exportOptions(parsed);
  const { store, entries } = await entriesFor(parsed, io);
  const records: SavedRecord[] = [];
  for (const entry of entries) {
    try {
      const record = await store.get(entry.id);
      if (record?.feedback && Object.keys(record.feedback).length > 0) records.push(record);
    } catch (error) {
      io.stderr(`prompt-lab history: warning: skipped: ${(error as Error).message}\n`);
    }
  }
  const summary: Record<string, number> = {};
  if (preferences !== undefined) {
    const pairs = preferencePairs(records);
    await writeFile(preferences, preferencesJsonl(pairs));
    summary.pairs = pairs.length;
    io.stderr(`prompt-lab history: ${pairs.length} preference pair${pairs.length === 1 ? '' : 's'} written to ${preferences}\n`);
  }
  if (tests !== undefined) {
    const cases = testCases(records, options);
    await writeFile(tests, testsYaml(cases));
    summary.tests = cases.length;
    io.stderr(`prompt-lab history: ${cases.length} test${cases.length === 1 ? '' : 's'} written to ${tests}\n`);
  }
  if (parsed.flags.has('json')) io.stdout(`${JSON.stringify({ records: records.length, ...summary })}\n`);
  return ExitCode.ok;
}

export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'List, show and export saved runs, comparisons and evals (with their ratings)',
  usage: `Usage: prompt-lab history list [--prompt file] [--json] [--history-dir dir]
       prompt-lab history show <id> [--json]
       prompt-lab history export [--prompt file] [--preferences out.jsonl] [--tests out.yaml]
                                 [--match rouge-l|bleu|equals] [--threshold t] [--json]

  --history-dir <dir>    The history folder (default: ./.promptlab/history)
  --prompt <file>        Only the records of this prompt file
  --json                 list: the index entries; show: the record as saved; export: the counts
  --preferences <file>   Preference pairs {prompt, chosen, rejected} (JSON lines, the shape DPO and
                         RLHF trainers read) from 👍/👎 and edited answers of the same prompt and inputs
  --tests <file>         Eval tests in promptfoo's YAML: an edited answer or a 👍 completion becomes
                         the reference (rouge-l by default, --match), a 👎 one a not-equals
  --threshold <t>        The rouge-l/bleu threshold of exported tests (0–1)

Damaged records or index lines are skipped with a warning. Exit 1 when 'show' finds no such record.`,
  async run(args, io) {
    const parsed = parseArgs(args, OPTIONS);
    const verb = parsed.positionals[0];
    const extra = parsed.positionals.slice(verb === 'show' ? 2 : 1);
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    switch (verb) {
      case 'list': return list(parsed, io);
      case 'show': return show(parsed, io);
      case 'export': return exportFeedback(parsed, io);
      case undefined: throw new UsageError('history needs list, show or export');
      default: throw new UsageError(`unknown history command '${verb}': use list, show or export`);
    }
  },
};
