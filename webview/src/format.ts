// Numbers as the panel shows them: en-US grouping, a fixed number of digits, and a dash for what is
// not known yet, so columns of figures line up and never read "NaN" or "undefined".

export const UNKNOWN = '–';

export const number = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A 0–1 score with two decimals, or a dash when absent. */
export const ratio = (value: number | undefined): string => (value === undefined ? UNKNOWN : number(value, 2));

export function plural(count: number, noun: string): string {
  return `${number(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** US dollars: small amounts keep three significant digits (a run often costs a fraction of a cent). */
export function usd(value: number): string {
  if (value === 0) return '$0';
  if (value < 1) return `$${value.toLocaleString('en-US', { maximumSignificantDigits: 3 })}`;
  return `$${number(value, 2)}`;
}

export const percent = (part: number, whole: number): string =>
  `${whole > 0 ? number((part / whole) * 100, part / whole < 0.1 ? 1 : 0) : '0'}%`;
