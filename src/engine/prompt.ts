// A prompt on its way to a backend: read through the host, checked (with the host's partials),
// rendered with the inputs, and placed on its backend and model. Each step that can fail returns a
// typed problem; asking for missing inputs between loading and rendering is the host's business.
import { checkPrompt, partialNameOf, type CheckedPrompt } from '../core/check/checkPrompt';
import { InputError, renderChecked, type RenderRequest, type RenderResult } from '../core/render';
import type { EngineHost, PromptFile } from './host';
import type { EngineProblem } from './problems';
import { prepareRetrieval, RetrievalError, type PreparedRetrieval } from './retrieval';
import { runnableTarget, type Target, type TargetPins } from './target';

export interface LoadedPrompt extends PromptFile {
  checked: CheckedPrompt;
}

export interface RenderedPrompt extends LoadedPrompt {
  /** What it was rendered with: the inputs as given (before defaults), and `shots` if any. */
  request: RenderRequest;
  rendered: RenderResult;
  /** What `promptlab.retrieve` did before rendering: the inputs it was rendered with (the passages
   * filled in), the trace and the ranker for an agent's `search`. Absent without `promptlab.retrieve`. */
  retrieved?: PreparedRetrieval;
}

export interface PreparedPrompt extends RenderedPrompt {
  target: Target;
}

type Failed = { problem: EngineProblem };

const errorCount = (checked: CheckedPrompt) => checked.diagnostics.filter((d) => d.severity === 'error').length;

/** Reads and checks the prompt at `ref`: a `no-prompt` or `prompt-broken` problem when it cannot run. */
export async function loadPrompt(host: Pick<EngineHost, 'readPrompt' | 'environment'>, ref: string): Promise<LoadedPrompt | Failed> {
  const file = await host.readPrompt(ref);
  if (!file) return { problem: { kind: 'no-prompt', subject: ref, ref, message: `there is no prompt at ${ref}` } };
  const partialName = partialNameOf(file.fileName);
  const checked = await checkPrompt(file.text, host.environment(file.ref), partialName === undefined ? {} : { partialName });
  if (!checked.ok) {
    const errors = errorCount(checked);
    return {
      problem: {
        kind: 'prompt-broken', subject: file.fileName, ref: file.ref, fileName: file.fileName, diagnostics: checked.diagnostics,
        message: `${file.fileName} has ${errors === 1 ? 'an error' : `${errors} errors`}`,
      },
    };
  }
  return { ...file, checked };
}

/** The frontmatter as data, where `prepareRetrieval` reads `promptlab.retrieve` before rendering. */
export const frontmatterExt = (loaded: LoadedPrompt): Record<string, unknown> | undefined => {
  const data = loaded.checked.frontmatter.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? data as Record<string, unknown> : undefined;
};

/** What the prompt was rendered with: the inputs as given, with retrieval's passages filled in. */
export const renderedRequest = (prompt: Pick<RenderedPrompt, 'request' | 'retrieved'>): RenderRequest =>
  (prompt.retrieved ? { ...prompt.request, input: prompt.retrieved.inputs } : prompt.request);

/** Retrieval for `input` (the prompt's `promptlab.retrieve`); undefined when the prompt has none. A
 * RetrievalError (the user's to fix) is thrown on; hosts show it like an input problem. */
export async function retrieveFor(host: EngineHost, loaded: LoadedPrompt, input: Record<string, unknown>, signal?: AbortSignal): Promise<PreparedRetrieval | undefined> {
  const prepared = await prepareRetrieval(host, loaded, frontmatterExt(loaded), input, signal);
  return prepared.retrieval || prepared.retriever ? prepared : undefined;
}

/** Retrieves (`promptlab.retrieve`) and renders a loaded prompt; an `input` problem when the inputs
 * do not fit its schema, a `render` problem when retrieval or rendering fails otherwise (the prompt
 * was checked: what is left is the user's). */
export async function renderLoaded(host: EngineHost, loaded: LoadedPrompt, request: RenderRequest, signal?: AbortSignal): Promise<RenderedPrompt | Failed> {
  const { fileName, ref } = loaded;
  let retrieved: PreparedRetrieval | undefined;
  try {
    retrieved = await retrieveFor(host, loaded, request.input ?? {}, signal);
  } catch (error) {
    if (error instanceof RetrievalError) return { problem: { kind: 'render', subject: fileName, ref, fileName, message: error.message } };
    throw error;
  }
  const prompt = { ...loaded, request, ...(retrieved ? { retrieved } : {}) };
  try {
    return { ...prompt, rendered: await renderChecked(loaded.checked, renderedRequest(prompt)) };
  } catch (error) {
    if (error instanceof InputError) return { problem: { kind: 'input', subject: fileName, ref, fileName, problems: error.problems, message: error.message } };
    return { problem: { kind: 'render', subject: fileName, ref, fileName, message: error instanceof Error ? error.message : String(error) } };
  }
}

/** Where a rendered prompt runs: its `model:` (as rendered, else as written), under the host's pins. */
export function placePrompt(host: Parameters<typeof runnableTarget>[0], prompt: RenderedPrompt, pins: TargetPins = {}): PreparedPrompt | Failed {
  const target = runnableTarget(host, prompt.rendered.model ?? prompt.checked.frontmatter.model, prompt.fileName, pins);
  return 'problem' in target ? target : { ...prompt, target };
}

/** load, render and place in one: what a host that needs no input boxes calls. */
export async function preparePrompt(host: EngineHost, ref: string, request: RenderRequest, pins: TargetPins = {}): Promise<PreparedPrompt | Failed> {
  const loaded = await loadPrompt(host, ref);
  if ('problem' in loaded) return loaded;
  const rendered = await renderLoaded(host, loaded, request);
  if ('problem' in rendered) return rendered;
  return placePrompt(host, rendered, pins);
}
