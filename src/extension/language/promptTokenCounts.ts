// Token counts of open prompts, once per document version: check (shared), render with the
// prompt's defaults, split into parts, count in the token worker. The rendering runs here (a few
// ms), the tokenizer never does: it loads and counts in TokenCountService's worker thread. For the
// panel, a prompt that runs on a local model is tokenized by that model (its own tokenizer, in the
// model process), once per version; until then the panel says it is loading, and if the model
// cannot load, it shows tiktoken's tokens and says so.
import * as vscode from 'vscode';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import type { InputField } from '../../core/inputSchema';
import { cachedCountTexts, countPromptTokens, type CountTexts, type TokenReport } from '../../core/promptTokens';
import { InputError, renderChecked, type RenderRequest } from '../../core/render';
import { renderedPromptView, type RenderedPromptView } from '../../core/renderedPromptView';
import type { TextMessage } from '../../core/render';
import { chatTokenGroups, promptTokenGroups, type PiecesOf } from '../../core/tokens/tokenGroups';
import type { LocalTokenizer, LocalTokenizerOf } from './localTokenizer';
import type { LocalModelCount } from './tokenCountText';
import { promptParts, type PromptPart } from '../../core/structure';
import type { TokenCountService } from '../../engine/tokens/tokenCountService';
import type { PromptChecks } from './promptChecks';

export type TokenCount =
  | {
    kind: 'counted';
    report: TokenReport;
    /** Which rendered text is which part (spans per message), for hovers. */
    parts: PromptPart[];
    /** Required inputs without a default, counted as empty: the count is of the rest. */
    emptyInputs: string[];
    /** The rendered messages with the parts marked and counted, for the panel. */
    rendered: RenderedPromptView;
    /** The rendered messages themselves (for the token chips). */
    messages: TextMessage[];
    /** The prompt's `model:` as rendered (where it runs: a local model tokenizes for itself). */
    model?: string;
  }
  /** The prompt has errors: nothing to render. */
  | { kind: 'errors'; errors: number }
  /** It renders no count, and why (inputs that do not fit the schema, a failed worker). */
  | { kind: 'unavailable'; reason: string };

interface Entry {
  stamp: string;
  result: Promise<TokenCount>;
  settled?: TokenCount;
}

/** A local model's view of one version of a prompt: its chips and counts, or tiktoken's with a note. */
interface LocalEntry {
  stamp: string;
  tokenizer: string;
  view: Promise<RenderedPromptView>;
  /** Set once the model tokenized it (not on a fallback): what the status bar shows. */
  counted?: { total: number; tokenizer: string };
}

/** Counts in the worker, remembering chunk counts: a count after an edit sends only the chunks
 * the edit touched (core's cachedCountTexts). */
export function workerCounter(service: TokenCountService): CountTexts {
  return cachedCountTexts((encoding, texts) => service.count({ encoding, texts }));
}

/** Each text's tokens from the worker, for the panel's token chips. */
export function workerPieces(service: TokenCountService): PiecesOf {
  return (encoding, texts) => service.pieces({ encoding, texts });
}

export class PromptTokenCounts implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private readonly local = new Map<string, LocalEntry>();
  private readonly countedLocally = new vscode.EventEmitter<vscode.Uri>();
  /** A local model has counted a prompt's current version (localModel has its count now). */
  readonly onDidCountLocally = this.countedLocally.event;
  private readonly closed = vscode.workspace.onDidCloseTextDocument((document) => {
    this.cache.delete(document.uri.toString());
    this.local.delete(document.uri.toString());
  });

  /** `piecesOf`, when given, lists the tokens for the panel's token chips; `localTokenizerOf` finds
   * the local model's tokenizer of a prompt that runs locally. */
  constructor(private readonly checks: PromptChecks, private readonly countTexts: CountTexts, private readonly piecesOf?: PiecesOf, private readonly localTokenizerOf?: LocalTokenizerOf) {}

  /** The local tokenizer of the counted prompt, when it runs on a local model. */
  private localTokenizer(count: TokenCount): LocalTokenizer | undefined {
    return count.kind === 'counted' ? this.localTokenizerOf?.(count.model) : undefined;
  }

  /** Whether the counted prompt runs on a local model (undefined: it does not) and, if the panel has
   * had the model count the document as it is now, that count; never loads the model (the status
   * bar, CodeLens and hovers ask this on every edit). */
  localModel(document: vscode.TextDocument, count: TokenCount): LocalModelCount | undefined {
    if (!this.localTokenizer(count)) return undefined;
    const entry = this.local.get(document.uri.toString());
    return { local: entry?.stamp === this.checks.stamp(document) ? entry.counted : undefined };
  }

  /** The count for the document as it is now (shared by every caller for this version). */
  count(document: vscode.TextDocument): Promise<TokenCount> {
    const key = document.uri.toString();
    const stamp = this.checks.stamp(document);
    const cached = this.cache.get(key);
    if (cached?.stamp === stamp) return cached.result;
    const entry: Entry = { stamp, result: this.checks.check(document).then((checked) => this.countChecked(checked)) };
    entry.result = entry.result.then((count) => (entry.settled = count));
    this.cache.set(key, entry);
    return entry.result;
  }

  /** The document rendered for the panel (parts marked and counted), or why it cannot be. For a
   * prompt that runs on a local model whose tokens are not known yet, `later` (when given) gets
   * the local model's view once it has it, and the view returned now says it is loading; without
   * `later`, this waits for the local model. */
  async rendered(document: vscode.TextDocument, later?: (view: RenderedPromptView) => void): Promise<RenderedPromptView | string> {
    const stamp = this.checks.stamp(document);
    const count = await this.count(document);
    if (count.kind === 'counted') {
      const tokenizer = this.localTokenizer(count);
      if (tokenizer) {
        const view = this.localView(document.uri, stamp, count, tokenizer);
        const settled = await Promise.race([view, Promise.resolve(undefined)]);
        if (settled || !later) return settled ?? view;
        void view.then(later);
        return renderedPromptView(count.messages, count.parts, count.report, undefined, undefined, { loading: tokenizer.name });
      }
      return this.tiktokenView(count);
    }
    return count.kind === 'errors' ? `the prompt has ${count.errors === 1 ? 'an error' : `${count.errors} errors`}: fix ${count.errors === 1 ? 'it' : 'them'} to see it rendered` : count.reason;
  }

  /** The finished count for the document as it is now, if there is one already; never waits. */
  peek(document: vscode.TextDocument): TokenCount | undefined {
    const cached = this.cache.get(document.uri.toString());
    return cached?.stamp === this.checks.stamp(document) ? cached.settled : undefined;
  }

  dispose(): void {
    this.closed.dispose();
    this.countedLocally.dispose();
    this.cache.clear();
    this.local.clear();
  }

  /** tiktoken's chips, listed only for the panel (the status bar and hovers need counts alone); the
   * same groups and counts as `prompt-lab tokens --show` (core/tokens/tokenGroups). */
  private async tiktokenView(count: Extract<TokenCount, { kind: 'counted' }>, note?: string): Promise<RenderedPromptView> {
    if (!this.piecesOf) return count.rendered;
    try {
      const grouped = await chatTokenGroups(this.piecesOf, count.report.tokenizer, count.messages, count.parts, count.report.total);
      return renderedPromptView(count.messages, count.parts, count.report, undefined, grouped, note !== undefined ? { note } : {});
    } catch {
      return count.rendered; // no chips, the counts still show
    }
  }

  /** The local model's chips and counts for this version (asked once per version), or tiktoken's
   * with a note saying why the model's are missing. */
  private localView(uri: vscode.Uri, stamp: string, count: Extract<TokenCount, { kind: 'counted' }>, tokenizer: LocalTokenizer): Promise<RenderedPromptView> {
    const key = uri.toString();
    const cached = this.local.get(key);
    if (cached?.stamp === stamp && cached.tokenizer === tokenizer.name) return cached.view;
    const entry: LocalEntry = { stamp, tokenizer: tokenizer.name, view: Promise.resolve(count.rendered) };
    entry.view = (async () => {
      try {
        const { tokens } = await tokenizer.tokenize(count.messages);
        // Every token is listed (BOS, a chat template's wrapping): the groups' counts are the model's own.
        const grouped = promptTokenGroups(tokens, count.messages, count.parts);
        entry.counted = { total: grouped.total, tokenizer: tokenizer.name };
        if (this.local.get(key) === entry) this.countedLocally.fire(uri);
        return renderedPromptView(count.messages, count.parts, { ...count.report, tokenizer: tokenizer.name, exact: true }, undefined, grouped);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return this.tiktokenView(count, `The ${tokenizer.name} could not be used (${reason}): these are ${count.report.tokenizer}'s tokens, an estimate of the local model's.`);
      }
    })();
    this.local.set(key, entry);
    return entry.view;
  }

  private async countChecked(checked: CheckedPrompt): Promise<TokenCount> {
    if (!checked.ok) return { kind: 'errors', errors: checked.diagnostics.filter((d) => d.severity === 'error').length };
    const placeholders = emptyValuesForMissingInputs(checked);
    const request: RenderRequest = { input: placeholders };
    try {
      const result = await renderChecked(checked, request);
      const parts = await promptParts(checked, result, (shots) => renderChecked(checked, { ...request, shots }));
      const report = await countPromptTokens(result.model ?? checked.frontmatter.model, result.text, parts, this.countTexts);
      const model = result.model ?? checked.frontmatter.model;
      return { kind: 'counted', report, parts, emptyInputs: Object.keys(placeholders), rendered: renderedPromptView(result.text, parts, report), messages: result.text, ...(model !== undefined ? { model } : {}) };
    } catch (error) {
      const reason = error instanceof InputError
        ? error.message
        : `The prompt could not be counted: ${error instanceof Error ? error.message : String(error)}`;
      return { kind: 'unavailable', reason };
    }
  }
}

/** A live count cannot wait for a run's inputs: required inputs with no default are rendered as
 * the empty value of their type, so the count is of everything else. */
function emptyValuesForMissingInputs(checked: CheckedPrompt): Record<string, unknown> {
  const defaults = checked.frontmatter.defaults ?? {};
  const values: Record<string, unknown> = {};
  for (const field of checked.frontmatter.inputs ?? []) {
    if (field.optional || field.name in defaults) continue;
    const empty = emptyValueOf(field);
    if (empty !== undefined) values[field.name] = empty;
  }
  return values;
}

function emptyValueOf(field: InputField): unknown {
  switch (field.type) {
    case undefined:
    case 'string':
    case 'any':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const object: Record<string, unknown> = {};
      for (const inner of field.fields ?? []) {
        if (!inner.optional) object[inner.name] = emptyValueOf(inner);
      }
      return object;
    }
    default:
      return undefined; // enum, null: no honest empty value
  }
}
