// The history's settings, declared in package.json `contributes.configuration`: one place for their
// keys and defaults (the extension reads them; the CLI has flags).
export const HISTORY_SETTINGS = {
  /** boolean: save every run, comparison and eval. */
  enabled: 'promptLab.history.enabled',
  /** integer ≥ 1: records kept per history folder; the oldest are pruned. */
  maxRecords: 'promptLab.history.maxRecords',
} as const;

export const DEFAULT_HISTORY_ENABLED = true;
export const DEFAULT_MAX_RECORDS = 1000;

/** The history folder under a workspace folder. */
export const HISTORY_FOLDER = '.promptlab/history';
export const INDEX_FILE = 'index.jsonl';
