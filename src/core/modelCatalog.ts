// What a model can take and what it costs: context windows and list prices of well-known OpenAI
// models, the user's own price table (`promptLab.prices`) over them, and the token budget of a
// prompt (its tokens by part, against the window, with a price) that the panel and the CLI show.
import type { TokenBudget } from './comparison';
import type { TokenReport } from './promptTokens';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

export interface ModelInfo {
  contextWindow?: number;
  price?: Price;
}

export type PriceTable = Record<string, Price>;

// Source: OpenAI's pricing page (platform.openai.com/docs/pricing, standard tier, uncached input)
// and its model pages, as known to the author in mid-2025 (the gpt-5 family as launched in August
// 2025; o3 after its June 2025 price cut). Not checked online: this machine has no internet access.
// Prices change: users override them with promptLab.prices. Models whose numbers were not certain
// (o1-pro, o3-pro, gpt-5-pro, audio and realtime models, …) are left out rather than guessed.
const CATALOG: Record<string, ModelInfo> = {
  'gpt-5': { contextWindow: 400_000, price: { input: 1.25, output: 10 } },
  'gpt-5-mini': { contextWindow: 400_000, price: { input: 0.25, output: 2 } },
  'gpt-5-nano': { contextWindow: 400_000, price: { input: 0.05, output: 0.4 } },
  'gpt-4.1': { contextWindow: 1_047_576, price: { input: 2, output: 8 } },
  'gpt-4.1-mini': { contextWindow: 1_047_576, price: { input: 0.4, output: 1.6 } },
  'gpt-4.1-nano': { contextWindow: 1_047_576, price: { input: 0.1, output: 0.4 } },
  'gpt-4o': { contextWindow: 128_000, price: { input: 2.5, output: 10 } },
  // The first gpt-4o snapshot kept its launch price.
  'gpt-4o-2024-05-13': { contextWindow: 128_000, price: { input: 5, output: 15 } },
  'gpt-4o-mini': { contextWindow: 128_000, price: { input: 0.15, output: 0.6 } },
  'o1': { contextWindow: 200_000, price: { input: 15, output: 60 } },
  'o1-mini': { contextWindow: 128_000, price: { input: 1.1, output: 4.4 } },
  'o3': { contextWindow: 200_000, price: { input: 2, output: 8 } },
  'o3-mini': { contextWindow: 200_000, price: { input: 1.1, output: 4.4 } },
  'o4-mini': { contextWindow: 200_000, price: { input: 1.1, output: 4.4 } },
  'gpt-4-turbo': { contextWindow: 128_000, price: { input: 10, output: 30 } },
  // The alias is the 0125 snapshot; older snapshots had other windows and prices.
  'gpt-3.5-turbo': { contextWindow: 16_385, price: { input: 0.5, output: 1.5 } },
  'gpt-3.5-turbo-1106': { contextWindow: 16_385, price: { input: 1, output: 2 } },
  'gpt-3.5-turbo-0613': { contextWindow: 4_096, price: { input: 1.5, output: 2 } },
};

/** A dated snapshot of a model: `-2024-08-06` (newer names) or `-0125` (older ones). Only these
 * count as the same model: `o1-pro` or `gpt-4o-audio-preview` are other models at other prices. */
const SNAPSHOT_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{4})$/;

/** The table's entry for `model`: its own name, else the longest name of which it is a dated
 * snapshot (`gpt-4o-mini-2024-07-18` is gpt-4o-mini, never gpt-4o). */
function lookUp<T>(table: Record<string, T>, model: string): T | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  let best: string | undefined;
  for (const name of Object.keys(table)) {
    if (model.startsWith(name) && SNAPSHOT_SUFFIX.test(model.slice(name.length)) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : table[best];
}

/** `openai/gpt-4o` → `gpt-4o`; a fine-tuned `ft:gpt-4o-mini-2024-07-18:org::id` → its base model. */
function baseModel(model: string): { name: string; fineTuned: boolean } {
  const slash = model.lastIndexOf('/');
  const name = slash === -1 ? model : model.slice(slash + 1);
  const fineTuned = /^ft:/.test(name);
  return { name: fineTuned ? name.slice(3).split(':')[0]! : name, fineTuned };
}

/** The built-in context window and price of `model`. A fine-tuned model has its base model's
 * window but no price here: fine-tuned models are billed at other rates. */
export function modelInfo(model: string | undefined): ModelInfo {
  if (!model) return {};
  const { name, fineTuned } = baseModel(model.trim());
  const info = lookUp(CATALOG, name);
  if (!info) return {};
  return { ...(info.contextWindow !== undefined ? { contextWindow: info.contextWindow } : {}), ...(info.price && !fineTuned ? { price: { ...info.price } } : {}) };
}

/** The price to show for `model`: the user's table first (the name as given, then without its
 * provider, then as a dated snapshot), else the built-in one. */
export function priceFor(model: string | undefined, userPrices: PriceTable | undefined): (Price & { source: 'settings' | 'built-in' }) | undefined {
  if (!model) return undefined;
  const trimmed = model.trim();
  const slash = trimmed.lastIndexOf('/');
  const user = userPrices && (lookUp(userPrices, trimmed) ?? (slash === -1 ? undefined : lookUp(userPrices, trimmed.slice(slash + 1))));
  if (user) return { input: user.input, output: user.output, source: 'settings' };
  const builtIn = modelInfo(trimmed).price;
  return builtIn && { ...builtIn, source: 'built-in' };
}

/** USD for one request with these token counts. */
export function estimateCost(price: Price, promptTokens: number, completionTokens: number): number {
  return (price.input * promptTokens + price.output * completionTokens) / 1_000_000;
}

export interface TokenBudgetOptions {
  /** Without or with its provider. */
  model?: string;
  /** The prompt runs on the embedded local model: free, and its context is the configured one. */
  local?: { contextSize?: number };
  userPrices?: PriceTable;
}

/** A token report as the comparison record keeps it: tokens by part, window and price. */
export function tokenBudget(report: TokenReport, options: TokenBudgetOptions): TokenBudget {
  const budget: TokenBudget = {
    total: report.total,
    parts: report.parts.map(({ name, tokens }) => ({ name, tokens })),
    overhead: report.overhead,
    tokenizer: report.tokenizer,
    exact: report.exact,
  };
  if (options.local) {
    const size = options.local.contextSize;
    if (size !== undefined && Number.isFinite(size) && size > 0) budget.contextWindow = size;
    budget.price = { input: 0, output: 0, source: 'local' };
    return budget;
  }
  const contextWindow = modelInfo(options.model).contextWindow;
  if (contextWindow !== undefined) budget.contextWindow = contextWindow;
  const price = priceFor(options.model, options.userPrices);
  if (price) budget.price = price;
  return budget;
}

const isPrice = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The user's price table (`{ "model": { "input": 2.5, "output": 10 } }`, USD per 1M tokens), its
 * good entries kept and each bad one named. */
export function readPriceTable(value: unknown): { prices: PriceTable; problems: string[] } {
  const prices: PriceTable = {};
  const problems: string[] = [];
  if (value === undefined || value === null) return { prices, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { prices, problems: ['prices must be an object of model names to { "input": …, "output": … } in USD per 1M tokens'] };
  }
  for (const [model, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`'${model}': must be { "input": …, "output": … } in USD per 1M tokens`);
      continue;
    }
    const { input, output } = entry as Record<string, unknown>;
    const bad = [['input', input], ['output', output]].filter(([, price]) => !isPrice(price)).map(([name]) => name);
    if (bad.length > 0) {
      problems.push(`'${model}': ${bad.join(' and ')} must be ${bad.length > 1 ? '' : 'a '}non-negative number${bad.length > 1 ? 's' : ''} (USD per 1M tokens)`);
      continue;
    }
    // defineProperty: a key such as `__proto__` stays an entry, not the table's prototype.
    Object.defineProperty(prices, model, { value: { input, output }, enumerable: true, writable: true, configurable: true });
  }
  return { prices, problems };
}
