// Which tiktoken encoding counts a model's tokens. Only OpenAI's own models have a known one; for
// everything else the count is an estimate until a backend supplies the model's own tokenizer.

/** The two encodings Prompt Lab ships (esbuild.mjs copies their ranks beside the bundles). */
export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface TokenizerChoice {
  encoding: EncodingName;
  /** True only when the encoding is the model's own (a known OpenAI model). */
  exact: boolean;
  /** One sentence for a hover or status bar tooltip: which tokenizer, and why. */
  reason: string;
}

/** The default for models we do not know: the encoding of OpenAI's current models. */
const FALLBACK: EncodingName = 'o200k_base';

/** Model families by name, after the provider is stripped. A family matches its bare name and any
 * `-suffix` (dates, `-mini`, `-preview`…), never a longer name: `o1` is not `o10`, `gpt-4` is not
 * `gpt-4o`. Mirrors tiktoken's model.py (MODEL_PREFIX_TO_ENCODING). */
const FAMILIES: readonly { pattern: RegExp; encoding: EncodingName }[] = [
  { pattern: /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|o1|o3|o4)(-|$)/, encoding: 'o200k_base' },
  // gpt-5.1, gpt-5.2… are gpt-5 models too.
  { pattern: /^gpt-5([-.]|$)/, encoding: 'o200k_base' },
  // `gpt-35-turbo` is Azure OpenAI's spelling of gpt-3.5-turbo.
  { pattern: /^(gpt-4|gpt-3\.5|gpt-35-turbo)(-|$)/, encoding: 'cl100k_base' },
  { pattern: /^(text-embedding-ada-002|text-embedding-3-[a-z]+)$/, encoding: 'cl100k_base' },
];

/** `openai/gpt-4o-mini` → `gpt-4o-mini`; `ft:gpt-4o-mini-2024-07-18:org::id` → `gpt-4o-mini-2024-07-18`
 * (a fine-tune counts like its base model). Lower-cased: model ids are case-insensitive in practice. */
export function modelName(model: string): string {
  let name = model.trim().toLowerCase();
  name = name.slice(name.lastIndexOf('/') + 1);
  if (name.startsWith('ft:')) name = name.slice(3).split(':')[0] ?? '';
  return name;
}

export function chooseEncoding(model: string | undefined): TokenizerChoice {
  const name = model === undefined ? '' : modelName(model);
  if (name === '') {
    return { encoding: FALLBACK, exact: false, reason: `No model is set: the count is approximate (${FALLBACK}).` };
  }
  const family = FAMILIES.find(({ pattern }) => pattern.test(name));
  if (family) {
    return { encoding: family.encoding, exact: true, reason: `${name} uses the ${family.encoding} tokenizer.` };
  }
  return {
    encoding: FALLBACK,
    exact: false,
    reason: `${name} is not an OpenAI model with a known tokenizer: the count is approximate (${FALLBACK}).`,
  };
}
