// The child process that runs node-llama-cpp for the local backend (localBackend.ts forks it): a
// native crash or a long evaluation here never takes down the extension host or the CLI. Bundled
// into dist/localModelHost.js; the tests fork tsc's out/ copy. The model loads on the first request
// and stays loaded until the parent stops this process (idle, dispose) or the IPC channel closes.
import { randomInt } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { LlamaContextSequence, LlamaModel, LlamaText, Token } from 'node-llama-cpp';
import type { StreamedToken, TokenLogprob } from '../backend';
import type { AfterPrompt } from '../backend';
import { RAW_CHAIN, RawSampler } from './rawSampling';
import type { HostDistribution, HostGenerateRequest, HostGenerationOutcome, HostModelOptions, HostNextTokensRequest, HostReply, HostRequest } from './protocol';
import { splitTokenBytes, vocabularyOf } from './vocabularyBytes';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type ChatWrapper = ReturnType<NodeLlamaCpp['resolveChatWrapper']>;

interface Loaded {
  model: LlamaModel;
  /** Tokens per sequence. */
  contextSize: number;
  /** Set only when the GGUF has a chat template: without one, node-llama-cpp would fall back to a
   * Llama-2 chat format with a default system prompt, which a completion model never saw. */
  chatWrapper?: ChatWrapper;
  /** Free sequences, kept in the order they were made: a request takes the first, so the same
   * requests in the same order get the same sequences (a batch then reproduces itself). */
  free: LlamaContextSequence[];
  /** Sequences made so far (or being made), at most options.sequences. */
  made: number;
  /** Each sequence's place in the order they were made. */
  order: Map<LlamaContextSequence, number>;
  /** Generations waiting for a free sequence, first come first served. */
  waiters: ((sequence: LlamaContextSequence) => void)[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as HostModelOptions;
const perContext = options.perContext ?? 1;
/** Generations under way (waiting for the model or a sequence, or evaluating), and those of them
 * asked to stop. */
const active = new Set<number>();
const aborted = new Set<number>();
/** Per generation under way: ends its wait for the model or a sequence when its abort arrives. */
const cancels = new Map<number, () => void>();
let loading: Promise<Loaded> | undefined;

// node-llama-cpp is ESM with top-level await: only a real import() loads it. tsc (module commonjs)
// and esbuild (format cjs) would both rewrite `import()` into require(), so it is built at run time.
// The package is resolved from here (the .vsix's node_modules, or the repo's) to a file URL first:
// an import() from Function code would resolve a bare name against the working directory.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

function send(reply: HostReply): void {
  process.send?.(reply);
}

async function load(): Promise<Loaded> {
  const started = performance.now();
  const llamaCpp = await importModule(pathToFileURL(require.resolve('node-llama-cpp')).href) as NodeLlamaCpp;
  const llama = await llamaCpp.getLlama({ gpu: false, build: 'never', maxThreads: options.threads, logLevel: llamaCpp.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 4096);
  const hasChatTemplate = typeof model.fileInfo.metadata?.tokenizer?.chat_template === 'string';
  const state: Loaded = { model, contextSize, free: [], made: 0, order: new Map(), waiters: [], ...(hasChatTemplate ? { chatWrapper: llamaCpp.resolveChatWrapper(model) } : {}) };
  // The first context now: a model whose context does not fit in memory fails its load, not a request.
  state.free.push(...await makeContext(state));
  state.contextSize = state.free[0]!.contextSize;
  send({ type: 'loaded', loadMs: Math.round(performance.now() - started), hasChatTemplate, sequences: options.sequences, perContext: Math.min(perContext, options.sequences), contextSize: state.contextSize });
  return state;
}

/** A new context's sequences (up to perContext, within options.sequences in all). node-llama-cpp
 * shares the `threads` of getLlama among contexts, so solo contexts never use more threads in all
 * than one context would (with one thread, they take turns per decode). node-llama-cpp
 * gives each sequence its own `contextSize` cells and decodes the sequences of a context that
 * evaluate at the same time together, in one batch per step: with one sequence per context (the
 * default), every request decodes alone and its text never depends on its neighbours. */
async function makeContext(state: Loaded): Promise<LlamaContextSequence[]> {
  const sequences = Math.max(1, Math.min(perContext, options.sequences - state.made));
  state.made += sequences;
  try {
    const context = await state.model.createContext({ contextSize: state.contextSize, sequences, threads: options.threads });
    return Array.from({ length: sequences }, () => {
      const sequence = context.getSequence();
      state.order.set(sequence, state.order.size);
      return sequence;
    });
  } catch (error) {
    state.made -= sequences;
    throw new Error(`a context of ${sequences} × ${state.contextSize} tokens could not be made (${error instanceof Error ? error.message : String(error)}): lower the local backend's concurrency, sequences or contextSize`, { cause: error });
  }
}

/** The model, loaded once; a load that failed is tried again on the next request. */
function loaded(): Promise<Loaded> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw new Error(`the model ${options.modelPath} did not load: ${error instanceof Error ? error.message : String(error)}`);
  });
  return loading;
}

/** A free sequence (from a new context when all are taken and fewer than options.sequences exist),
 * or undefined when `cancelled` settles first: the request then leaves the queue, so an abandoned
 * request never holds up the ones behind it. */
async function acquire(state: Loaded, cancelled: Promise<void>): Promise<LlamaContextSequence | undefined> {
  const sequence = state.free.shift();
  if (sequence) return sequence;
  if (state.made < options.sequences) {
    const [mine, ...rest] = await makeContext(state);
    for (const other of rest) release(state, other);
    return mine!;
  }
  return new Promise((resolve) => {
    state.waiters.push(resolve);
    void cancelled.then(() => {
      const at = state.waiters.indexOf(resolve);
      if (at === -1) return; // already handed a sequence: the caller sees the abort and releases it
      state.waiters.splice(at, 1);
      resolve(undefined);
    });
  });
}

function release(state: Loaded, sequence: LlamaContextSequence): void {
  const waiter = state.waiters.shift();
  if (waiter) return waiter(sequence);
  const place = state.order.get(sequence)!;
  const at = state.free.findIndex((free) => state.order.get(free)! > place);
  state.free.splice(at === -1 ? state.free.length : at, 0, sequence);
}

/** The prompt as tokens: the chat template's rendering where the model has one; otherwise the raw
 * text (the request's `prompt`, or the messages' contents one after another) after a BOS token. */
function promptOf(state: Loaded, request: HostGenerateRequest): { tokens: Token[]; mode: 'chat' | 'completion'; stopTriggers: Token[][] } {
  const { model, chatWrapper } = state;
  if (request.prompt === undefined && chatWrapper) {
    const chatHistory = request.messages.map((message) => message.role === 'model'
      ? { type: 'model' as const, response: [message.content] }
      : { type: message.role === 'system' ? 'system' as const : 'user' as const, text: message.content });
    const { contextText, stopGenerationTriggers } = chatWrapper.generateContextState({ chatHistory: [...chatHistory, { type: 'model', response: [] }] });
    const stopTriggers = stopGenerationTriggers.map((trigger: LlamaText) => trigger.tokenize(model.tokenizer)).filter((tokens) => tokens.length > 0);
    return { tokens: contextText.tokenize(model.tokenizer), mode: 'chat', stopTriggers };
  }
  const text = request.prompt ?? request.messages.map((message) => message.content).join('\n');
  const tokens = model.tokenize(text, false);
  if (model.tokens.bos !== null && model.tokens.shouldPrependBosToken) tokens.unshift(model.tokens.bos);
  return { tokens, mode: 'completion', stopTriggers: [] };
}

/** How many tokens the model has: node-llama-cpp's probabilities map covers them all. */
function vocabularySize(model: LlamaModel): number | undefined {
  const tokens = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown } } } | undefined)?.tokenizer?.ggml?.tokens;
  return Array.isArray(tokens) ? tokens.length : undefined;
}

/** A token id the user gave, checked: an id outside the vocabulary must never reach native code. */
function checkedToken(model: LlamaModel, id: number): Token {
  const size = vocabularySize(model);
  if (!Number.isInteger(id) || id < 0 || (size !== undefined && id >= size)) {
    throw new Error(`token id ${id} is not in this model's vocabulary${size !== undefined ? ` (0 to ${size - 1})` : ''}`);
  }
  return id as Token;
}

/** `after` (text or ids) as this model's tokens, to follow the prompt. */
function tokensAfter(model: LlamaModel, after: AfterPrompt | undefined): Token[] {
  if (after === undefined) return [];
  // Continuation text: no SentencePiece space in front (the one a text alone would get).
  if (typeof after === 'string') return model.tokenize(after, false, 'trimLeadingSpace');
  return after.tokens.map((id) => checkedToken(model, id));
}

/** The token a branch is forced to continue with: by id, or a text that is exactly one token. */
function forcedToken(model: LlamaModel, forced: { id?: number; text: string }): Token {
  if (forced.id !== undefined) return checkedToken(model, forced.id);
  const tokens = model.tokenize(forced.text, false, 'trimLeadingSpace');
  if (tokens.length !== 1) throw new Error(`"${forced.text}" is ${tokens.length} tokens for this model, not one: give the token's id`);
  return tokens[0]!;
}

/** How many characters at the end of `text` could be the start of a stop sequence: held back from
 * the stream until the next token shows whether the stop sequence follows. */
function heldBack(text: string, stops: readonly string[]): number {
  const longest = Math.max(0, ...stops.map((stop) => stop.length - 1));
  for (let length = Math.min(longest, text.length); length > 0; length--) {
    const tail = text.slice(-length);
    if (stops.some((stop) => stop.startsWith(tail))) return length;
  }
  return 0;
}

const logprobOf = (probability: number) => (probability > 0 ? Math.log(probability) : -9999);

/** The answer to a generation stopped before it evaluated anything. */
function answerAborted(id: number, state?: Loaded): void {
  send({
    type: 'done', id,
    outcome: { text: '', finishReason: 'abort', promptTokens: 0, completionTokens: 0, generationMs: 0, parameters: {}, mode: state?.chatWrapper ? 'chat' : 'completion' },
  });
}

async function generate(id: number, request: HostGenerateRequest): Promise<void> {
  active.add(id);
  const cancelled = new Promise<void>((resolve) => cancels.set(id, resolve));
  const forget = () => { active.delete(id); aborted.delete(id); cancels.delete(id); };
  // Waiting for the model (which may take long, or never come): an abort answers at once.
  const state = await Promise.race([loaded(), cancelled]).catch((error: unknown) => { forget(); throw error; });
  if (!state || aborted.has(id)) { forget(); answerAborted(id, state || undefined); return; }
  const sequence = await acquire(state, cancelled).catch((error: unknown) => { forget(); throw error; });
  if (!sequence) { forget(); answerAborted(id, state); return; }
  if (aborted.has(id)) { forget(); release(state, sequence); answerAborted(id, state); return; }
  const { model } = state;
  try {
    await sequence.clearHistory();
    const { tokens: promptTokens, mode, stopTriggers } = promptOf(state, request);
    const config = request.config;
    // A branch: the completion so far (`after`) and the token forced next are evaluated with the
    // prompt; the forced token opens the completion, and sampling goes on from there.
    const prefix = tokensAfter(model, request.after);
    const forced = request.forced ? forcedToken(model, request.forced) : undefined;
    const input = [...promptTokens, ...prefix, ...(forced !== undefined ? [forced] : [])];
    const room = sequence.contextSize - input.length + (forced !== undefined ? 1 : 0);
    if (room <= 0 || input.length >= sequence.contextSize) {
      send({ type: 'failed', id, error: `the prompt (${input.length} tokens) does not fit the local model's context of ${sequence.contextSize} tokens` });
      return;
    }
    const greedy = config.sampling === 'greedy' || config.temperature === 0;
    const temperature = greedy ? 0 : config.temperature ?? 1;
    // OpenAI's defaults (no top-k, top-p 1, no min-p) rather than llama.cpp's (40, 0.95, 0.05), so
    // the same settings mean the same sampling on every backend of a comparison.
    const topK = config.topK ?? 0;
    const topP = config.topP ?? 1;
    const minP = request.minP ?? 0;
    // node-llama-cpp seeds from the clock in whole seconds when given none: "random" samples within a
    // second would be identical. A fresh seed per request, recorded so the sample can be reproduced.
    const seed = greedy ? undefined : config.seed ?? randomInt(0, 2 ** 31 - 1);
    const maxTokens = Math.min(config.maxOutputTokens ?? room, room);
    const stops = (config.stopSequences ?? []).filter((stop) => stop.length > 0);
    const alternatives = config.logprobs;
    const generated: Token[] = [];
    const penalties = config.presencePenalty !== undefined || config.frequencyPenalty !== undefined;
    const parameters: Record<string, unknown> = {
      mode, temperature, topK, topP, minP, maxTokens,
      ...(seed !== undefined ? { seed } : {}),
      ...(stops.length ? { stop: stops } : {}),
      ...(config.presencePenalty !== undefined ? { presencePenalty: config.presencePenalty } : {}),
      ...(config.frequencyPenalty !== undefined ? { frequencyPenalty: config.frequencyPenalty } : {}),
      ...(alternatives !== undefined ? { logprobs: alternatives } : {}),
      ...(forced !== undefined ? { forced: { id: forced, afterTokens: prefix.length } } : {}),
    };
    const started = performance.now();
    let timeToFirstTokenMs: number | undefined;
    let text = '';
    let emitted = 0;
    let pending: Token[] = [];
    let finishReason: HostGenerationOutcome['finishReason'] = 'stop';
    const logprobs: TokenLogprob[] = [];
    const all = [...input];
    if (forced !== undefined) {
      generated.push(forced);
      text = model.detokenize([forced], false, [...promptTokens, ...prefix].slice(-8));
      emitted = text.length;
      timeToFirstTokenMs = 0;
      send({ type: 'token', id, token: { text } });
    }
    // With logprobs asked for, node-llama-cpp runs the neutral chain (its probabilities are then the
    // model's own) and the token is drawn here with the asked settings (rawSampling.ts); without, its
    // own chain samples. The same seed gives the same text either way.
    const raw = alternatives !== undefined ? new RawSampler({ temperature, topK, topP, minP }, seed) : undefined;
    const evaluation = sequence.evaluateWithMetadata(input, { probabilities: raw !== undefined }, {
      ...(raw ? { ...RAW_CHAIN, seed: 1, yieldEogToken: true } : { temperature, topK, topP, minP, ...(seed !== undefined ? { seed: seed >>> 0 } : {}) }),
      // OpenAI's penalties count the tokens generated so far; node-llama-cpp's own repeat penalty
      // (1.1 by default) stays off so that only what was asked for is applied. Penalties come first in
      // the chain: with them, the probabilities reported are the penalised model's.
      ...(penalties ? { repeatPenalty: { punishTokens: () => generated.slice(-256), maxPunishTokens: 256, penalty: 1, presencePenalty: config.presencePenalty ?? 0, frequencyPenalty: config.frequencyPenalty ?? 0 } } : {}),
    });
    let replacement: Token | undefined;
    try {
      for (let step = generated.length >= maxTokens ? undefined : await evaluation.next(); step && !step.done; step = await evaluation.next(replacement)) {
        // Which fields are present depends on the metadata asked for at run time.
        let output = step.value as { token: Token; confidence?: number; probabilities?: Map<Token, number> };
        if (raw) {
          const choice = raw.choose(output.probabilities!);
          replacement = choice.token as Token;
          output = { token: replacement, confidence: choice.probability, probabilities: output.probabilities! };
          if (model.isEogToken(replacement)) break;
        }
        if (aborted.has(id)) { finishReason = 'abort'; break; }
        timeToFirstTokenMs ??= performance.now() - started;
        const before = all.slice(-8);
        generated.push(output.token);
        all.push(output.token);
        // Decode the tokens not yet shown with the tokens before them (a token alone loses its leading
        // space), and wait for the next token while the bytes so far end inside a UTF-8 character.
        pending.push(output.token);
        const context = all.slice(Math.max(0, all.length - pending.length - 8), all.length - pending.length);
        let piece = model.detokenize(pending, false, context);
        if (piece.endsWith('\uFFFD') && pending.length < 4) piece = '';
        else pending = [];
        const start = text.length;
        text += piece;
        let stopAt = -1;
        for (const stop of stops) {
          const at = text.indexOf(stop, Math.max(0, emitted - stop.length));
          if (at !== -1 && (stopAt === -1 || at < stopAt)) stopAt = at;
        }
        const trigger = stopTriggers.find((tokens) => tokens.length <= generated.length && tokens.every((token, i) => generated[generated.length - tokens.length + i] === token));
        if (trigger) stopAt = Math.min(stopAt === -1 ? Infinity : stopAt, model.detokenize(generated.slice(0, -trigger.length), false, promptTokens.slice(-8)).length);
        if (stopAt !== -1) text = text.slice(0, stopAt);
        // The model's own probabilities (before the sampler), as OpenAI reports them: the heatmap and the
        // alternatives show what the model thought; the explorer shows what the sampler makes of it.
        let logprob: TokenLogprob | undefined;
        if (alternatives !== undefined && (stopAt === -1 || start < stopAt)) {
          const top = alternatives > 0 && output.probabilities
            ? [...output.probabilities].slice(0, alternatives).map(([token, probability]) => ({ token: model.detokenize([token], false, before), logprob: logprobOf(probability), id: token }))
            : [];
          logprob = { token: model.detokenize([output.token], false, before), logprob: logprobOf(output.confidence ?? 0), id: output.token, top };
          logprobs.push(logprob);
        }
        const safe = stopAt !== -1 ? text.length : Math.max(emitted, text.length - heldBack(text, stops));
        const token: StreamedToken = { text: text.slice(emitted, safe), ...(logprob ? { logprob } : {}) };
        emitted = safe;
        send({ type: 'token', id, token });
        if (stopAt !== -1) break;
        if (generated.length >= maxTokens) { finishReason = 'length'; break; }
      }
    } finally {
      await evaluation.return();
    }
    if (forced !== undefined && generated.length >= maxTokens && finishReason === 'stop') finishReason = 'length';
    if (finishReason !== 'abort' && pending.length > 0) text += model.detokenize(pending, false, promptTokens.slice(-8));
    if (emitted < text.length) send({ type: 'token', id, token: { text: text.slice(emitted) } });
    const outcome: HostGenerationOutcome = {
      text, finishReason, mode, parameters, promptTokens: promptTokens.length, completionTokens: generated.length,
      generationMs: performance.now() - started,
      ...(timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs } : {}),
      ...(alternatives !== undefined ? { logprobs } : {}),
    };
    send({ type: 'done', id, outcome });
  } finally {
    forget();
    release(state, sequence);
  }
}

async function countTokens(id: number, texts: string[]): Promise<void> {
  const { model } = await loaded();
  send({ type: 'counted', id, counts: texts.map((text) => model.tokenize(text, false).length) });
}

async function measurePrompt(id: number, messages: HostGenerateRequest['messages']): Promise<void> {
  const state = await loaded();
  const { tokens, mode } = promptOf(state, { messages, config: {} });
  send({ type: 'measured', id, measure: { promptTokens: tokens.length, contextSize: state.contextSize, mode } });
}

/** The model's own next-token distribution after the prompt (and `after`): its softmax over the
 * whole vocabulary. With temperature 1, top-k 0 (node-llama-cpp: the vocabulary's size), top-p 1
 * (a no-op) and no min-p, llama.cpp's chain cuts nothing and node-llama-cpp reports the softmax of
 * every logit: the raw distribution. Logits are given as ln p (the logits up to a shared constant). */
async function nextTokens(id: number, request: HostNextTokensRequest): Promise<void> {
  const state = await loaded();
  const sequence = await acquire(state, new Promise<void>(() => undefined));
  if (!sequence) return;
  const { model } = state;
  try {
    await sequence.clearHistory();
    const { tokens: promptTokens } = promptOf(state, { messages: request.messages, ...(request.prompt !== undefined ? { prompt: request.prompt } : {}), config: {} });
    const after = tokensAfter(model, request.after);
    const input = [...promptTokens, ...after];
    if (input.length >= sequence.contextSize) throw new Error(`the prompt (${input.length} tokens) does not fit the local model's context of ${sequence.contextSize} tokens`);
    let probabilities: Map<Token, number> | undefined;
    for await (const output of sequence.evaluateWithMetadata(input, { probabilities: true }, { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 1 })) {
      probabilities = output.probabilities;
      break;
    }
    if (!probabilities) throw new Error('the model gave no distribution');
    // Most probable first, ties by id (llama.cpp's sort leaves ties in no set order).
    const all = [...probabilities].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const top = request.top === undefined ? all.length : Math.max(0, Math.min(all.length, Math.floor(request.top)));
    const context = input.slice(-8);
    const distribution: HostDistribution = {
      tokens: all.slice(0, top).map(([token, probability]) => ({
        id: token, text: model.detokenize([token], false, context), probability,
        ...(probability > 0 ? { logit: Math.log(probability) } : {}),
      })),
      rest: { count: all.length - top, probability: all.slice(top).reduce((sum, [, probability]) => sum + probability, 0) },
      exact: true,
      position: { tokens: input.length, after: model.detokenize(after, false, promptTokens.slice(-8)), afterTokens: after },
    };
    send({ type: 'distribution', id, distribution });
  } finally {
    release(state, sequence);
  }
}

/** The prompt's tokens (BOS or template included) with their texts in place: a character whose
 * bytes span several tokens shows with the token that completes it. */
async function tokenize(id: number, messages: HostGenerateRequest['messages'], prompt: string | undefined): Promise<void> {
  const state = await loaded();
  const { model } = state;
  const { tokens, mode } = promptOf(state, { messages, ...(prompt !== undefined ? { prompt } : {}), config: {} });
  const pieces: { id: number; text: string; bytes?: number[] }[] = [];
  // A byte-level token also carries its own bytes, for the token chips (vocabularyBytes.ts).
  const vocabulary = vocabularyOf(model.fileInfo.metadata);
  const withBytes = (piece: { id: number; text: string }) => {
    const bytes = splitTokenBytes(vocabulary, piece.id);
    return bytes ? { ...piece, bytes } : piece;
  };
  let pending = 0;
  tokens.forEach((token, i) => {
    const start = i - pending;
    const text = model.detokenize(tokens.slice(start, i + 1), false, tokens.slice(Math.max(0, start - 8), start));
    if (text.endsWith('\uFFFD') && pending < 3 && i < tokens.length - 1) { pending++; pieces.push(withBytes({ id: token, text: '' })); return; }
    pending = 0;
    pieces.push(withBytes({ id: token, text }));
  });
  send({ type: 'tokenized', id, tokens: pieces, mode });
}

process.on('message', (message: HostRequest) => {
  const fail = (error: unknown) => send({ type: 'failed', id: message.id, error: error instanceof Error ? error.message : String(error) });
  if (message.type === 'abort') {
    if (active.has(message.id)) aborted.add(message.id);
    cancels.get(message.id)?.();
  }
  else if (message.type === 'generate') generate(message.id, message.request).catch(fail);
  else if (message.type === 'countTokens') countTokens(message.id, message.texts).catch(fail);
  else if (message.type === 'measurePrompt') measurePrompt(message.id, message.messages).catch(fail);
  else if (message.type === 'nextTokens') nextTokens(message.id, message.request).catch(fail);
  else if (message.type === 'tokenize') tokenize(message.id, message.messages, message.prompt).catch(fail);
});
// The parent went away (or closed the channel to stop this process): nothing is left to answer.
process.on('disconnect', () => process.exit(0));
// Ctrl+C in a terminal reaches the whole process group: the parent decides (it aborts the run and
// keeps the partial text, then stops this process); dying here would turn the abort into an error.
process.on('SIGINT', () => undefined);
