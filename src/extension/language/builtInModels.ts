// Models offered for `model:` when no backend is configured. The keys' meanings live in core
// (src/core/frontmatterKeys.ts), shared with the checks.
export const BUILT_IN_MODELS: readonly string[] = [
  'openai/gpt-4o-mini',
  'openai/gpt-4o',
  'openai/gpt-4.1',
  'openai/gpt-4.1-mini',
  'local/stories260K',
];
