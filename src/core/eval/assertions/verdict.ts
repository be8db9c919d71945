// What every assertion handler returns before negation and weight are applied.
export interface Verdict {
  pass: boolean;
  score: number;
  reason: string;
  /** Could not be evaluated: negation does not turn this into a pass. */
  error?: true;
  judge?: { verdict: string };
}

export const verdict = (pass: boolean, reason: string, score = pass ? 1 : 0): Verdict => ({ pass, score, reason });

export const failure = (reason: string, judge?: string): Verdict => ({ pass: false, score: 0, reason, error: true, ...(judge !== undefined ? { judge: { verdict: judge } } : {}) });

export const quote = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
};
