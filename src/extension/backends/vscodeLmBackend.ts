// The `vscode-lm` backend: prompts run on the chat models VS Code offers through `vscode.lm`
// (GitHub Copilot's, or any extension's that registers a chat model provider). `model:
// copilot/gpt-4o` picks the model of the backend's vendor whose id, else family, is `gpt-4o`.
// VS Code asks the user's consent the first time a model is used (sendRequest's `justification` is
// shown there). The API takes no generation settings: stop sequences are applied here, as the text
// streams; everything else is reported by runPrompt as not sent (`supports`). Token counts come from
// the model's own countTokens. The AbortSignal becomes a CancellationToken here, at the edge.
import * as vscode from 'vscode';
import type { Backend, GenerateOptions, GenerationConfig, GenerationRequest, GenerationResult, ModelInfo } from '../../backends/backend';
import { COPILOT_VENDOR, type BackendConfig } from '../../backends/backendConfig';
import type { BackendFactory, BackendServices } from '../../backends/registry';
import { StopSequenceCutter } from './stopSequences';

/** What the Language Model API lets a caller set: no temperature, top-p, max tokens or seed. */
export const VSCODE_LM_SUPPORTS: ReadonlySet<keyof GenerationConfig> = new Set<keyof GenerationConfig>(['stopSequences']);

export const DEFAULT_LM_TIMEOUT_MS = 60_000;

/** Shown by VS Code when it asks the user to let Prompt Lab use a model. */
const JUSTIFICATION = 'Prompt Lab runs the prompt you chose on this model (Run Prompt, Compare, Evaluate).';

/** What this backend needs of `vscode.lm`; the real one unless a test passes its own. */
export type ChatModelSource = (selector: vscode.LanguageModelChatSelector) => Thenable<vscode.LanguageModelChat[]>;

export function vendorOf(config: BackendConfig): string {
  return config.vendor ?? COPILOT_VENDOR;
}

/** Why no model can be picked, in words a user can act on. */
function noModelsMessage(config: BackendConfig): string {
  const vendor = vendorOf(config);
  const hint = vendor === COPILOT_VENDOR
    ? 'install GitHub Copilot Chat and sign in to GitHub, then run again'
    : `is the extension that provides '${vendor}' models installed and enabled?`;
  return `No chat model of vendor '${vendor}' is available in VS Code (backend '${config.id}'): ${hint}`;
}

/** The model named `name` (its id, else its family; any case), or the first when no name is given. */
export function pickModel(models: readonly vscode.LanguageModelChat[], name: string): vscode.LanguageModelChat | undefined {
  if (!name) return models[0];
  const lower = name.toLowerCase();
  return models.find((model) => model.id === name) ?? models.find((model) => model.family === name)
    ?? models.find((model) => model.id.toLowerCase() === lower || model.family.toLowerCase() === lower);
}

/** A LanguageModelError (or anything thrown by the API) as a message. */
function describeLmError(error: unknown, config: BackendConfig, model: string): { message: string; retriable: boolean } {
  const code = error instanceof vscode.LanguageModelError ? error.code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  if (code === vscode.LanguageModelError.NoPermissions.name) {
    return { message: `VS Code did not let Prompt Lab use ${model} (backend '${config.id}'): allow it when VS Code asks, or under Accounts › Manage Language Model Access. ${text}`.trim(), retriable: false };
  }
  if (code === vscode.LanguageModelError.Blocked.name) return { message: `${model} refused the request (backend '${config.id}'; quota or rate limit?): ${text}`, retriable: true };
  if (code === vscode.LanguageModelError.NotFound.name) return { message: `${model} is no longer available in VS Code (backend '${config.id}'): ${text}`, retriable: false };
  return { message: `${model} failed (backend '${config.id}'): ${text}`, retriable: false };
}

class VscodeLmBackend implements Backend {
  readonly kind = 'vscode-lm' as const;
  readonly supports = VSCODE_LM_SUPPORTS;
  readonly id: string;

  constructor(private readonly config: BackendConfig, private readonly services: BackendServices, private readonly select: ChatModelSource) {
    this.id = config.id;
  }

  async listModels(): Promise<ModelInfo[]> {
    const models = await this.select({ vendor: vendorOf(this.config) });
    return models.map((model) => ({
      id: model.id,
      detail: model.name === model.id ? model.family : `${model.name} · ${model.family}`,
      maxInputTokens: model.maxInputTokens,
    }));
  }

  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    const started = Date.now();
    const config = this.config;
    const wanted = request.model || config.defaultModel || '';
    const result: GenerationResult = {
      text: '', finishReason: 'error', usage: { promptTokens: 0, completionTokens: 0, estimated: true },
      latencyMs: 0, backend: config.id, model: wanted, parameters: { vendor: vendorOf(config), model: wanted }, warnings: [],
    };
    const fail = (message: string, retriable = false): GenerationResult => {
      result.error = { message, retriable };
      result.finishReason = 'error';
      result.latencyMs = Date.now() - started;
      this.services.log?.(`[${config.id}] ${message}`);
      return result;
    };
    const signal = options.signal;
    if (signal?.aborted) return this.finish(result, 'abort', started);

    let models: vscode.LanguageModelChat[];
    try {
      models = await this.select({ vendor: vendorOf(config) });
    } catch (error) {
      return fail(`Could not ask VS Code for its chat models (backend '${config.id}'): ${error instanceof Error ? error.message : String(error)}`);
    }
    if (models.length === 0) return fail(noModelsMessage(config));
    const model = pickModel(models, wanted);
    if (!model) return fail(`No chat model '${wanted}' of vendor '${vendorOf(config)}' in VS Code (backend '${config.id}'). Available: ${models.map((m) => m.id).join(', ')}`);
    result.model = model.id;
    result.parameters = { vendor: model.vendor, model: model.id, family: model.family, ...(request.config.stopSequences?.length ? { stopSequences: request.config.stopSequences } : {}) };

    const messages = this.messages(request, result.warnings);
    const source = new vscode.CancellationTokenSource();
    const onAbort = () => source.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = config.timeoutMs ?? DEFAULT_LM_TIMEOUT_MS;
    let idle: NodeJS.Timeout | undefined;
    let stalled = false;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => { stalled = true; source.cancel(); }, timeoutMs);
    };
    const cutter = new StopSequenceCutter(request.config.stopSequences);
    let firstTokenAt: number | undefined;
    const emit = (text: string) => {
      if (!text) return;
      firstTokenAt ??= Date.now();
      result.text += text;
      options.onToken?.({ text });
    };
    try {
      arm();
      const response = await model.sendRequest(messages, { justification: JUSTIFICATION }, source.token);
      for await (const chunk of response.text) {
        arm();
        emit(cutter.push(chunk));
        if (cutter.stopped || source.token.isCancellationRequested) break;
      }
      emit(cutter.flush());
    } catch (error) {
      if (!signal?.aborted && !stalled) {
        await this.finish(result, 'error', started, model, messages, firstTokenAt);
        const described = describeLmError(error, config, model.id);
        return fail(described.message, described.retriable);
      }
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener('abort', onAbort);
      // Ends the provider's work too when the loop stopped early (a stop sequence).
      source.cancel();
      source.dispose();
    }
    if (signal?.aborted) return this.finish(result, 'abort', started, model, messages, firstTokenAt);
    if (stalled) {
      await this.finish(result, 'error', started, model, messages, firstTokenAt);
      return fail(`${model.id} sent nothing for ${timeoutMs} ms (backend '${config.id}'): given up`, true);
    }
    return this.finish(result, 'stop', started, model, messages, firstTokenAt);
  }

  /** Dotprompt's roles as the API's: it has only User and Assistant, so system and tool text goes as
   * User text, and says so. */
  private messages(request: GenerationRequest, warnings: string[]): vscode.LanguageModelChatMessage[] {
    const messages = request.messages.length > 0 ? request.messages : [{ role: 'user' as const, content: request.prompt ?? '' }];
    let system = false;
    let tool = false;
    const out = messages.map((message) => {
      if (message.role === 'model') return vscode.LanguageModelChatMessage.Assistant(message.content);
      if (message.role === 'system') system = true;
      if (message.role === 'tool') tool = true;
      return vscode.LanguageModelChatMessage.User(message.content);
    });
    if (system) warnings.push('the system message was sent as a user message: VS Code\'s Language Model API has no system role');
    if (tool) warnings.push('a tool message was sent as a user message: it carries no tool call id');
    return out;
  }

  /** Completes the record: timings, and token counts by the model's own countTokens. */
  private async finish(
    result: GenerationResult, reason: GenerationResult['finishReason'], started: number,
    model?: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[] = [], firstTokenAt?: number,
  ): Promise<GenerationResult> {
    result.finishReason = reason;
    if (model) {
      try {
        const [prompt, completion] = await Promise.all([
          Promise.all(messages.map((message) => model.countTokens(message))).then((counts) => counts.reduce((sum, count) => sum + count, 0)),
          result.text ? model.countTokens(result.text) : Promise.resolve(0),
        ]);
        // Counted by the model's tokenizer, not reported as billed usage: the API reports none.
        result.usage = { promptTokens: prompt, completionTokens: completion, estimated: true };
      } catch (error) {
        result.warnings.push(`${model.id} could not count tokens: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const ended = Date.now();
    result.latencyMs = ended - started;
    if (firstTokenAt !== undefined) {
      result.timeToFirstTokenMs = firstTokenAt - started;
      if (ended > firstTokenAt && result.usage.completionTokens > 0) result.tokensPerSecond = result.usage.completionTokens / ((ended - firstTokenAt) / 1000);
    }
    return result;
  }
}

/** A factory over `vscode.lm.selectChatModels`, or over `select` (tests). */
export function vscodeLmFactory(select: ChatModelSource = (selector) => vscode.lm.selectChatModels(selector)): BackendFactory {
  return (config, services) => new VscodeLmBackend(config, services, select);
}

export const createVscodeLmBackend: BackendFactory = vscodeLmFactory();
