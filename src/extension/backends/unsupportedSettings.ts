// A diagnostic where a prompt's `config` sets something its backend cannot honour (topK on an openai
// backend): a warning on the key, code 'unsupported-setting'. A run reports the same and does not
// send the setting; here the user sees it while writing.
import * as vscode from 'vscode';
import type { GenerationConfig } from '../../backends/backend';
import type { BackendKind } from '../../backends/backendConfig';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import { GENERATION_KEYS } from '../../core/generationConfig';
import { DIAGNOSTIC_SOURCE } from '../language/diagnostics';
import { childKeys, frontmatterLines, topLevelKeys } from '../language/frontmatterLines';
import type { BackendService } from './backendService';
import { runTargetOf } from './runTarget';

export const UNSUPPORTED_SETTING = 'unsupported-setting';

/** Used only when a backend of the kind cannot be created in this build (its module is missing):
 * what the OpenAI chat completions API and node-llama-cpp take. The backend's own `supports` wins. */
const FALLBACK_SUPPORTS: Record<BackendKind, ReadonlySet<keyof GenerationConfig>> = {
  openai: new Set(['temperature', 'topP', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'sampling', 'logprobs']),
  'azure-openai': new Set(['temperature', 'topP', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'sampling', 'logprobs']),
  local: new Set(['temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'sampling', 'logprobs']),
  'vscode-lm': new Set(['stopSequences']),
};

function supportsOf(backends: BackendService, id: string, kind: BackendKind): ReadonlySet<keyof GenerationConfig> {
  try {
    return backends.registry.get(id).supports;
  } catch {
    return FALLBACK_SUPPORTS[kind];
  }
}

const GENERATION_KEY_SET: ReadonlySet<string> = new Set(GENERATION_KEYS);

export function unsupportedSettingDiagnostics(backends: BackendService, document: vscode.TextDocument, checked: CheckedPrompt): vscode.Diagnostic[] {
  if (checked.frontmatter.broken) return [];
  const config = (checked.frontmatter.data as { config?: unknown } | null | undefined)?.config;
  if (typeof config !== 'object' || config === null) return [];
  const target = runTargetOf(backends, checked.frontmatter.model);
  if (!target.config) return [];
  const supports = supportsOf(backends, target.backendId, target.config.kind);
  const unsupported = Object.keys(config).filter((key) => GENERATION_KEY_SET.has(key) && !supports.has(key as keyof GenerationConfig));
  if (unsupported.length === 0) return [];
  const frontmatter = frontmatterLines(document.getText());
  const configLine = frontmatter && topLevelKeys(frontmatter).find((key) => key.key === 'config')?.line;
  const keys = frontmatter && configLine !== undefined ? childKeys(frontmatter, configLine) : [];
  return unsupported.map((key) => {
    const at = keys.find((candidate) => candidate.key === key);
    const match = at ? new RegExp(`(^|[\\s{,])${key}\\s*:`).exec(frontmatter!.lines[at.line]!) : null;
    const range = at && match
      ? new vscode.Range(at.line, match.index + match[1]!.length, at.line, match.index + match[1]!.length + key.length)
      : new vscode.Range(configLine ?? 0, 0, configLine ?? 0, 'config'.length);
    const diagnostic = new vscode.Diagnostic(range,
      `config.${key} is not supported by backend '${target.backendId}' (${target.config!.kind}): a run does not send it. Remove it, or run on a backend that supports it.`,
      vscode.DiagnosticSeverity.Warning);
    diagnostic.code = UNSUPPORTED_SETTING;
    diagnostic.source = DIAGNOSTIC_SOURCE;
    return diagnostic;
  });
}
