// Feedback flowing out of history: preference pairs for DPO/RLHF trainers, and eval test cases in
// promptfoo's shape (src/core/eval's loadDataset reads them back).
//
// Every rated or edited completion is a `RatedCompletion`: its text, its feedback, and what it was
// asked (the messages sent, the inputs). Completions answer "the same prompt and inputs" when their
// prompt file's hash, messages and inputs agree.
import { stringify } from 'yaml';
import type { TestCase, Assertion } from '../eval/types';
import type { TextMessage } from '../render';
import { cellCompletion, type Feedback, type SavedRecord } from './types';

export interface RatedCompletion {
  record: string;
  completion: string;
  promptFile: string;
  /** Groups completions of the same prompt and inputs. */
  key: string;
  /** The messages sent; undefined when the record does not keep them (a `shots` or `variant` cell,
   * an eval's cell from before evals kept their tests' messages). */
  messages?: TextMessage[];
  vars: Record<string, unknown>;
  text: string;
  feedback: Feedback;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The record's completions that have feedback. */
export function ratedCompletions(record: SavedRecord): RatedCompletion[] {
  const fields = record as Record<string, unknown>;
  const feedback = record.feedback ?? {};
  if (Object.keys(feedback).length === 0) return [];
  const prompt = isObject(fields.prompt) ? fields.prompt : {};
  const messages = Array.isArray(prompt.messages) ? (prompt.messages as TextMessage[]) : undefined;
  const promptFile = typeof prompt.file === 'string' ? prompt.file : '';
  const sha = typeof prompt.sha256 === 'string' ? prompt.sha256 : promptFile;
  const inputs = isObject(fields.inputs) ? fields.inputs : {};
  const out: RatedCompletion[] = [];
  const add = (completion: string, text: string, vars: Record<string, unknown>, sent: TextMessage[] | undefined, extra = '') => {
    const given = feedback[completion];
    if (!given || (!given.rating && !given.betterAnswer)) return;
    out.push({
      record: record.id, completion, promptFile, messages: sent, vars, text, feedback: given,
      key: JSON.stringify([sha, sent ?? null, vars, extra]),
    });
  };
  if (record.kind === 'run' && isObject(fields.result)) add('run', String(fields.result.text ?? ''), inputs, messages);
  if (Array.isArray(fields.cells)) {
    const tests = Array.isArray(fields.tests) ? fields.tests : [];
    const columns = Array.isArray(fields.columns) ? fields.columns : [];
    fields.cells.forEach((cell: unknown, index) => {
      if (!isObject(cell)) return;
      const text = typeof cell.text === 'string' ? cell.text : '';
      // A `shots` or `variant` column sends another prompt than the file's own: its cells pair only
      // with each other (by `other`), and without the messages no pair can say what was asked.
      const column = columns[typeof cell.column === 'number' ? cell.column : -1];
      const settings = isObject(column) && isObject(column.settings) ? column.settings : {};
      const variant = typeof settings.variant === 'string' && settings.variant !== '' && settings.variant !== 'default' ? settings.variant : undefined;
      const other = [typeof cell.shots === 'number' ? `shots ${cell.shots}` : '', variant !== undefined ? `variant ${variant}` : ''].filter(Boolean).join(' · ');
      if (typeof cell.test === 'number') {
        // An eval's cell: its test's vars, and the messages the test rendered to.
        const test = tests[cell.test];
        const vars = isObject(test) && isObject(test.vars) ? test.vars : {};
        const sent = isObject(test) && Array.isArray(test.messages) ? (test.messages as TextMessage[]) : undefined;
        add(cellCompletion(index), text, vars, other ? undefined : sent, `${other}${sent ? '' : ` test ${cell.test}`}`);
      } else {
        add(cellCompletion(index), text, inputs, other ? undefined : messages, other);
      }
    });
  }
  return out;
}

export interface PreferencePair {
  /** The conversation up to the answer, roles as trainers name them (`model` → `assistant`). */
  prompt: { role: string; content: string }[];
  chosen: { role: 'assistant'; content: string }[];
  rejected: { role: 'assistant'; content: string }[];
  metadata: { promptFile: string; chosenFrom: string; rejectedFrom: string };
}

const trainerRole = (role: string) => (role === 'model' ? 'assistant' : role);

/** Pairs from completions of the same prompt and inputs: every 👍 (or edited better answer) against
 * every 👎 (and against the completion an answer was edited from). Completions without the messages
 * they were sent with (an eval's, a `shots` cell's) make no pairs. */
export function preferencePairs(records: readonly SavedRecord[]): PreferencePair[] {
  const groups = new Map<string, { messages: TextMessage[]; promptFile: string; chosen: { text: string; from: string }[]; rejected: { text: string; from: string }[] }>();
  for (const rated of records.flatMap(ratedCompletions)) {
    if (!rated.messages) continue;
    const group = groups.get(rated.key) ?? { messages: rated.messages, promptFile: rated.promptFile, chosen: [], rejected: [] };
    groups.set(rated.key, group);
    const from = `${rated.record}#${rated.completion}`;
    if (rated.feedback.rating === 'up') group.chosen.push({ text: rated.text, from });
    if (rated.feedback.rating === 'down') group.rejected.push({ text: rated.text, from });
    if (rated.feedback.betterAnswer !== undefined && rated.feedback.betterAnswer !== rated.text) {
      group.chosen.push({ text: rated.feedback.betterAnswer, from: `${from} (edited)` });
      if (rated.feedback.rating !== 'up' && rated.feedback.rating !== 'down') group.rejected.push({ text: rated.text, from });
    }
  }
  const pairs: PreferencePair[] = [];
  for (const group of groups.values()) {
    const seen = new Set<string>();
    for (const chosen of group.chosen) {
      for (const rejected of group.rejected) {
        const key = JSON.stringify([chosen.text, rejected.text]);
        if (chosen.text === rejected.text || seen.has(key)) continue;
        seen.add(key);
        pairs.push({
          prompt: group.messages.map((message) => ({ role: trainerRole(message.role), content: message.content })),
          chosen: [{ role: 'assistant', content: chosen.text }],
          rejected: [{ role: 'assistant', content: rejected.text }],
          metadata: { promptFile: group.promptFile, chosenFrom: chosen.from, rejectedFrom: rejected.from },
        });
      }
    }
  }
  return pairs;
}

/** One JSON object per line. */
export const preferencesJsonl = (pairs: readonly PreferencePair[]): string => pairs.map((pair) => `${JSON.stringify(pair)}\n`).join('');

export interface TestExportOptions {
  /** How a 👍 or an edited answer is checked: ROUGE-L or BLEU against it as a reference (a sampled
   * model rarely repeats itself word for word), or `equals`. Default `rouge-l`. */
  match?: 'rouge-l' | 'bleu' | 'equals';
  /** The threshold of rouge-l/bleu (default: the assertion's own, 0.75 / 0.5). */
  threshold?: number;
}

/** A test per rated or edited completion: an edited answer and a 👍 completion become the reference
 * it must match, a 👎 completion a `not-equals`. */
export function testCases(records: readonly SavedRecord[], options: TestExportOptions = {}): TestCase[] {
  const match = options.match ?? 'rouge-l';
  const like = (value: string): Assertion => ({ type: match, value, ...(match !== 'equals' && options.threshold !== undefined ? { threshold: options.threshold } : {}) });
  return records.flatMap(ratedCompletions).flatMap((rated) => {
    const assert: Assertion[] = [];
    if (rated.feedback.betterAnswer !== undefined) assert.push(like(rated.feedback.betterAnswer));
    else if (rated.feedback.rating === 'up') assert.push(like(rated.text));
    if (rated.feedback.rating === 'down') assert.push({ type: 'not-equals', value: rated.text });
    if (assert.length === 0) return [];
    const how = rated.feedback.betterAnswer !== undefined ? 'edited answer' : rated.feedback.rating === 'up' ? '👍' : '👎';
    return [{
      description: `${how} from history ${rated.record} (${rated.completion})${rated.feedback.note ? `: ${rated.feedback.note}` : ''}`,
      vars: rated.vars,
      assert,
      metadata: { history: rated.record, completion: rated.completion, prompt: rated.promptFile },
    }];
  });
}

/** The tests as a promptfoo YAML test file. */
export function testsYaml(tests: readonly TestCase[]): string {
  return `# Eval tests exported from Prompt Lab's history (prompt-lab history export --tests)\n${stringify(tests.length ? tests : [], { lineWidth: 0 })}`;
}
