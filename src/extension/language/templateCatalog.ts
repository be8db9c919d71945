// What the template's helpers do, for completions. The names are core's (DOTPROMPT_HELPERS,
// HANDLEBARS_HELPERS): a helper missing here still completes, just without a line of help.
import { DOTPROMPT_HELPERS, HANDLEBARS_HELPERS, ROLES } from '../../core/check/template';

export interface HelperDoc {
  doc: string;
  /** Opens a block: offered after `{{#`. */
  block?: boolean;
  /** Snippet inserted instead of the bare name. */
  snippet?: string;
}

export const HELPER_DOCS: Record<string, HelperDoc> = {
  role: { doc: 'Starts a message from a role: system, user, model or tool.', snippet: `role "\${1|${ROLES.join(',')}|}"` },
  history: { doc: 'Inserts the conversation history (the messages given to the run) here.' },
  section: { doc: 'Marks where a named section goes: {{section "name"}}.', snippet: 'section "$1"' },
  media: { doc: 'Inserts an image or other media part: {{media url=imageUrl}}.', snippet: 'media url=$1' },
  json: { doc: 'Inserts a value as JSON: {{json value}} or {{json value indent=2}}.', snippet: 'json $1' },
  ifEquals: { doc: 'Renders its block when two values are equal: {{#ifEquals a b}}…{{/ifEquals}}.', block: true },
  unlessEquals: { doc: 'Renders its block when two values differ: {{#unlessEquals a b}}…{{/unlessEquals}}.', block: true },
  if: { doc: 'Renders its block when the value is truthy (not empty, 0, false or missing); {{else}} otherwise.', block: true },
  unless: { doc: 'Renders its block when the value is falsy.', block: true },
  each: { doc: 'Renders its block once per item of a list (or property of an object); inside, the item\'s fields are in scope, with @index, @first and @last.', block: true },
  with: { doc: 'Renders its block with a value as the context: its fields are in scope.', block: true },
  lookup: { doc: 'Reads a field or item by a computed name: {{lookup map key}}.' },
  log: { doc: 'Logs its arguments while rendering (for debugging).' },
};

export const HELPER_NAMES: readonly string[] = [...DOTPROMPT_HELPERS, ...HANDLEBARS_HELPERS];
export const BLOCK_HELPERS: readonly string[] = HELPER_NAMES.filter((name) => HELPER_DOCS[name]?.block);

/** Data variables Handlebars defines inside {{#each}}. */
export const EACH_DATA_VARIABLES: readonly { name: string; doc: string }[] = [
  { name: '@index', doc: 'The position of the current item, from 0.' },
  { name: '@first', doc: 'True for the first item.' },
  { name: '@last', doc: 'True for the last item.' },
  { name: '@key', doc: 'The current property name, when iterating over an object.' },
];
