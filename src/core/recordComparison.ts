// Two history records side by side, as the panel's record comparison shows them: the prompt that was
// sent (its rendered messages as text, for a word diff), the settings (each one's value on either
// side, marked where they differ) and the completions paired up. Records come from disk and may be
// of any kind or shape (an eval, a kind not yet known, a hand-edited file): everything is read
// tolerantly, and what a record lacks is simply absent. Pure: the panel diffs the texts itself.

/** One completion of a record. */
export interface RecordCompletion {
  /** The completion's key in the record's feedback: `run`, or `cell:<index>`. */
  key: string;
  /** `run`, or the cell's column and sample: `temperature 0.7 · sample 2`. */
  label: string;
  text: string;
  /** done, failed, stopped (and for a cell still queued or running when it was saved, that). */
  status: string;
}

export interface RecordSide {
  id: string;
  kind: string;
  createdAt: string;
  fileName: string;
  backend: string;
  model: string;
  /** The rendered messages that were sent, as `role: content` blocks. */
  promptText: string;
  completions: RecordCompletion[];
}

export interface SettingRow {
  name: string;
  left?: string;
  right?: string;
  differs: boolean;
}

export interface CompletionPair {
  label: string;
  left?: RecordCompletion;
  right?: RecordCompletion;
}

export interface RecordComparisonView {
  left: RecordSide;
  right: RecordSide;
  settings: SettingRow[];
  pairs: CompletionPair[];
}

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const shown = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? JSON.stringify(item) : String(item))).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/** The rendered messages as text: `system: …`, blank line, `user: …`. */
export function promptTextOf(record: unknown): string {
  const prompt = isObject(record) && isObject(record.prompt) ? record.prompt : {};
  const messages = Array.isArray(prompt.messages) ? prompt.messages.filter(isObject) : [];
  return messages.map((message) => `${text(message.role) || 'user'}: ${text(message.content)}`).join('\n\n');
}

/** A record's completions: a run's result, or each cell of a comparison (or an eval). */
export function completionsOf(record: unknown): RecordCompletion[] {
  if (!isObject(record)) return [];
  if (Array.isArray(record.cells)) {
    const columns = Array.isArray(record.columns) ? record.columns : [];
    return record.cells.map((cell, index): RecordCompletion => {
      const fields = isObject(cell) ? cell : {};
      const column = isObject(columns[Number(fields.column)]) ? columns[Number(fields.column)] as Fields : {};
      const sample = Number.isInteger(fields.sample) ? ` · sample ${(fields.sample as number) + 1}` : '';
      const test = typeof fields.test === 'string' ? ` · ${fields.test}` : '';
      return {
        key: `cell:${index}`,
        label: `${text(column.label) || `column ${Number(fields.column) + 1}`}${test || sample}`,
        text: text(fields.text) || (isObject(fields.result) ? text(fields.result.text) : ''),
        status: text(fields.status),
      };
    });
  }
  if (isObject(record.result)) return [{ key: 'run', label: 'run', text: text(record.result.text), status: text(record.status) }];
  return [];
}

function sideOf(record: unknown): RecordSide {
  const fields = isObject(record) ? record : {};
  const prompt = isObject(fields.prompt) ? fields.prompt : {};
  return {
    id: text(fields.id), kind: text(fields.kind) || 'record', createdAt: text(fields.createdAt), fileName: text(prompt.fileName),
    backend: text(fields.backend), model: text(fields.model), promptText: promptTextOf(record), completions: completionsOf(record),
  };
}

/** The settings a record ran with, by name, as text: its target, what varied and what was fixed. */
export function settingsOf(record: unknown): Map<string, string> {
  const settings = new Map<string, string>();
  if (!isObject(record)) return settings;
  const prompt = isObject(record.prompt) ? record.prompt : {};
  const put = (name: string, value: unknown) => {
    const display = shown(value);
    if (display !== undefined && display !== '') settings.set(name, display);
  };
  put('prompt file', prompt.fileName);
  put('prompt version (sha256)', prompt.sha256);
  put('backend', record.backend);
  put('model', record.model || (record.backend ? '(backend default)' : undefined));
  if (Array.isArray(record.axes)) for (const axis of record.axes.filter(isObject)) put(`varied: ${text(axis.name)}`, axis.values);
  put('samples', record.samples);
  put('seeds', record.seeds);
  if (isObject(record.settings)) for (const [name, value] of Object.entries(record.settings)) put(name, value);
  // A run's parameters as sent (the prompt's own config included): what the backend was really asked.
  if (isObject(record.result) && isObject(record.result.parameters)) {
    for (const [name, value] of Object.entries(record.result.parameters)) if (!settings.has(name)) put(`sent: ${name}`, value);
  }
  if (isObject(record.inputs)) for (const [name, value] of Object.entries(record.inputs)) put(`input: ${name}`, value);
  put('reference', record.reference);
  return settings;
}

/** Completions paired by label when both records have the same labels (two runs of one plan), else
 * in order (a run against a comparison's first cell, and so on). */
function pairsOf(left: RecordCompletion[], right: RecordCompletion[]): CompletionPair[] {
  const labels = (list: RecordCompletion[]) => list.map((completion) => completion.label).join('\n');
  const sameLabels = labels(left) === labels(right);
  const pairs: CompletionPair[] = [];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const a = left[index];
    const b = right[index];
    const label = sameLabels || !a || !b ? (a ?? b)!.label : a.label === b.label ? a.label : `${a.label} ↔ ${b.label}`;
    pairs.push({ label, ...(a ? { left: a } : {}), ...(b ? { right: b } : {}) });
  }
  return pairs;
}

export function compareRecords(left: unknown, right: unknown): RecordComparisonView {
  const a = settingsOf(left);
  const b = settingsOf(right);
  const names = [...a.keys(), ...[...b.keys()].filter((name) => !a.has(name))];
  const settings = names.map((name): SettingRow => {
    const l = a.get(name);
    const r = b.get(name);
    return { name, ...(l !== undefined ? { left: l } : {}), ...(r !== undefined ? { right: r } : {}), differs: l !== r };
  });
  const sides = { left: sideOf(left), right: sideOf(right) };
  return { ...sides, settings, pairs: pairsOf(sides.left.completions, sides.right.completions) };
}
