// `prompt-lab tokens <file> --show`: every token of the rendered prompt with its id, text and part,
// grouped by part with each part's count, from the local model's own tokenizer (--model-path, or a
// `local/…` model with $PROMPT_LAB_MODEL) or else the model's tiktoken encoding. The groups and
// counts come from core/tokens/tokenGroups, as the panel's token chips do.
import { DEFAULT_LOCAL_BACKEND } from '../../backends/backendConfig';
import { LocalBackend, resolveModelPath } from '../../backends/local/localBackend';
import type { AnalyzedPrompt } from '../../core/analyzePrompt';
import { countPromptTokens } from '../../core/promptTokens';
import { chooseEncoding } from '../../core/tokens';
import { chatTokenGroups, piecesInProcess, promptTokenGroups, type PromptTokenGroups } from '../../core/tokens/tokenGroups';
import { single, type ParsedArgs } from '../args';
import { ExitCode, type CliIO } from '../io';
import { CLI_HOW_TO_SET_MODEL, cliLocalModelProblem } from '../runTarget';

/** Whitespace made visible, for a terminal: · for a space, ⏎ for a newline, → for a tab. */
export const visible = (text: string): string => text.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '→').replace(/\r/g, '␍');

export async function showTokens(parsed: ParsedArgs, analyzed: AnalyzedPrompt, io: CliIO): Promise<number> {
  const { result, parts } = analyzed;
  const model = single(parsed, 'model') ?? result.model;
  const modelPath = single(parsed, 'model-path');
  const local = modelPath !== undefined || (model?.startsWith('local/') ?? false);
  let grouped: PromptTokenGroups;
  let tokenizer: string;
  let note = '';
  if (local) {
    const config = { ...DEFAULT_LOCAL_BACKEND, ...(modelPath !== undefined ? { modelPath } : {}) };
    const problem = cliLocalModelProblem(config, modelPath, undefined);
    const where = resolveModelPath(config, process.env, CLI_HOW_TO_SET_MODEL);
    if (problem !== undefined || 'error' in where) {
      io.stderr(`prompt-lab tokens: error: ${problem ?? ('error' in where ? where.error : '')}\n`);
      return ExitCode.findings;
    }
    const backend = new LocalBackend(config);
    try {
      const { tokens, mode } = await backend.tokenizePrompt(result.text);
      grouped = promptTokenGroups(tokens, result.text, parts);
      tokenizer = `${where.path} (${mode === 'chat' ? 'its chat template' : 'completion mode: BOS, then the messages\' text'})`;
    } catch (error) {
      io.stderr(`prompt-lab tokens: error: ${(error as Error).message}\n`);
      return ExitCode.findings;
    } finally {
      await backend.dispose();
    }
  } else {
    const choice = chooseEncoding(model);
    grouped = await chatTokenGroups(piecesInProcess, choice.encoding, result.text, parts, (await countPromptTokens(model, result.text, parts)).total);
    tokenizer = choice.encoding;
    note = `${choice.reason} Listed: each message's role and content; ${grouped.unlisted} more tokens wrap the messages and prime the reply (counted in overhead).`;
  }
  const { groups, total } = grouped;
  const listed = groups.flatMap((group) => group.tokens).sort((a, b) => a.index - b.index);
  if (parsed.flags.has('json')) {
    const byPart = groups.map((group) => ({ part: group.part, count: group.count, tokens: group.tokens.map((token) => token.index) }));
    io.stdout(`${JSON.stringify({ tokenizer, exact: local || chooseEncoding(model).exact, total, groups: byPart, tokens: listed }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const idWidth = Math.max(...listed.map((token) => String(token.id).length), 2);
  for (const group of groups) {
    const unlisted = group.count - group.tokens.length;
    io.stdout(`${group.part === 'overhead' ? 'message overhead' : group.part}: ${group.count} token${group.count === 1 ? '' : 's'}${unlisted > 0 ? ` (${unlisted} not listed: message wrapping and reply priming)` : ''}\n`);
    for (const token of group.tokens) io.stdout(`${String(token.index).padStart(5)}  ${String(token.id).padStart(idWidth)}  ${token.part.padEnd(11)}  ${visible(token.text)}\n`);
  }
  io.stdout(`\n${groups.map((group) => `${group.part} ${group.count}`).join(' · ')} · total ${total} (${tokenizer})\n`);
  if (note) io.stdout(`${note}\n`);
  return ExitCode.ok;
}
