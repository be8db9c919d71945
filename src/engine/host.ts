// The engine runs prompts and comparisons the same way for every host: the CLI, the extension, and
// next the eval feature. What differs between hosts is only where things come from and how a
// problem is shown, so the seam is drawn there:
// - files by a reference string the host understands (a path in the CLI, a URI string in VS Code,
//   where an open editor's unsaved text wins), and the folder beside a prompt (variants
//   `name.variant.prompt`, later datasets `name.tests.yaml`);
// - the partials a prompt may include (a PromptEnvironment), the configured backends (the
//   BackendRegistry already asks its host for keys: SecretStorage, or environment variables) and
//   the default backend;
// - a log line sink and a redactor for text that leaves the engine.
// Everything that asks the user (quick picks, input boxes) or shows something (progress lines,
// tables, notifications, the panel) stays in the host: the engine returns typed problems instead of
// messages with buttons, and takes cancellation as an AbortSignal. No `vscode` import, ever.
import type { BackendConfig } from '../backends/backendConfig';
import type { BackendRegistry } from '../backends/registry';
import type { RetrievalSource } from '../core/patterns/retrieval/source';
import type { PromptEnvironment } from '../core/promptEnvironment';
import type { CountTexts } from '../core/promptTokens';

/** A prompt file as the host holds it. */
export interface PromptFile {
  /** The host's reference: a path (CLI) or a URI string (extension). */
  ref: string;
  /** The base name, `story.prompt`: for messages, partial and variant names. */
  fileName: string;
  text: string;
}

export interface EngineHost {
  /** The file at `ref` (an open editor's text first, where there are editors); undefined when it
   * does not exist. Other failures to read throw, with a message for the user. */
  readPrompt(ref: string): Promise<PromptFile | undefined>;
  /** The reference of `fileName` in the folder of `ref`; undefined when `ref` has no folder (an
   * untitled editor has no neighbours). */
  beside(ref: string, fileName: string): string | undefined;
  /** Where the partials of the prompt at `ref` are found. */
  environment(ref: string): PromptEnvironment;
  /** The configured backends; the engine gets each through it (once per id) and never disposes it. */
  readonly backends: BackendRegistry;
  /** Where a model id without a configured backend's name runs (`gpt-4o`). */
  readonly defaultBackend: string;
  /** Why a local backend cannot run before it is asked to (no model file), in the host's words
   * (which setting or flag sets it); undefined when it can. */
  localModelProblem(config: BackendConfig): string | undefined;
  /** tiktoken's counts for the token view (the extension's run off its host thread). */
  readonly countTexts: CountTexts;
  /** One line for the log: never text of a completion, never a key. */
  log(line: string): void;
  /** Scrubs secrets (API keys) from text that leaves the engine: streamed tokens, errors. */
  redact?(text: string): string;
  /** A text file by reference (an eval's dataset); undefined when it does not exist. Other
   * failures to read throw, with a message for the user. Without it, a host runs no evals. */
  readText?(ref: string): Promise<string | undefined>;
  /** May `javascript` assertions run? False in VS Code's Restricted Mode (and when absent). */
  readonly allowCode?: boolean;
  /** The text of the judge prompt `name` (`llm-rubric`): the user's own override first
   * (`.promptlab/judges/<name>.prompt` in the workspace or working folder), else the built-in one. */
  judgePrompt?(name: string): Promise<string>;
  /** Where responses are kept for reuse (`--cache`, `promptLab.eval.cache`); none when absent. */
  readonly responseCache?: ResponseCacheStore;
  /** The folder a prompt's `promptlab.retrieve` searches (the workspace folder, the CLI's working
   * folder), the same source each time for the same folder (its index is kept per source);
   * undefined when this prompt has no folder to search (an untitled editor without a workspace).
   * Without it, a prompt that retrieves fails with a RetrievalError. */
  retrievalSource?(promptRef: string): RetrievalSource | undefined;
}

/** Cached responses by key (a SHA-256 in hex): the text stored, or undefined when there is none. */
export interface ResponseCacheStore {
  read(key: string): Promise<string | undefined>;
  /** Replaces the entry whole or not at all (a reader never sees half of one). */
  write(key: string, text: string): Promise<void>;
}

/** Only what resolving where a prompt runs needs. */
export type TargetHost = Pick<EngineHost, 'backends' | 'defaultBackend' | 'localModelProblem'>;
