// Why the engine will not run something, as data: each host turns a problem into its own words and
// actions (the CLI: a message and exit code; the extension: a notification with the button that
// fixes it). `message` is a plain sentence any host may show as it is; `subject` is what could not
// run (`story.prompt`, `'openai/gpt-4o'`, the variant `formal`).
import type { BackendConfig } from '../backends/backendConfig';
import type { InputProblem } from '../core/inputValidation';
import type { PromptDiagnostic } from '../core/diagnostics';

export type EngineProblem =
  /** No prompt at the reference. */
  | { kind: 'no-prompt'; subject: string; message: string; ref: string }
  /** The prompt has errors (the diagnostics say where). */
  | { kind: 'prompt-broken'; subject: string; message: string; ref: string; fileName: string; diagnostics: PromptDiagnostic[] }
  /** The inputs do not fit the prompt's schema. */
  | { kind: 'input'; subject: string; message: string; ref: string; fileName: string; problems: InputProblem[] }
  /** Rendering failed otherwise (`shots` for a prompt without examples, a helper's error). */
  | { kind: 'render'; subject: string; message: string; ref: string; fileName: string }
  /** The backend it runs on is not configured. */
  | { kind: 'no-backend'; subject: string; message: string; backend: string; configured: string[]; model?: string }
  /** It runs on a local backend without a model file. */
  | { kind: 'no-local-model'; subject: string; message: string; config: BackendConfig }
  /** A variant's file is not there; `ref` undefined: the prompt has no folder (it is unsaved). */
  | { kind: 'variant-missing'; subject: string; message: string; variant: string; fileName: string; ref?: string }
  /** A variant's file has errors, or the inputs do not fit it. */
  | { kind: 'variant-broken'; subject: string; message: string; variant: string; cause: Extract<EngineProblem, { kind: 'prompt-broken' | 'input' | 'render' }> };

export type ProblemKind = EngineProblem['kind'];

/** Something the engine made, or the problem that stopped it. */
export type Outcome<T> = T | { problem: EngineProblem };

export const isProblem = <T extends object>(outcome: Outcome<T>): outcome is { problem: EngineProblem } => 'problem' in outcome;
