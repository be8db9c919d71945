// `prompt-lab tokens <file> --show`: every token of the rendered prompt with its id, text and part,
// from the local model's own tokenizer (--model-path, or a `local/…` model with $PROMPT_LAB_MODEL)
// or else the model's tiktoken encoding.
import { DEFAULT_LOCAL_BACKEND } from '../../backends/backendConfig';
import { LocalBackend, resolveModelPath } from '../../backends/local/localBackend';
import type { AnalyzedPrompt } from '../../core/analyzePrompt';
import { countPromptTokens } from '../../core/promptTokens';
import { chooseEncoding, getTokenizer } from '../../core/tokens';
import { labelTokens, tiktokenPieces, type ListedToken } from '../../core/tokens/tokenList';
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
  let listed: ListedToken[];
  let tokenizer: string;
  let total: number;
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
      listed = labelTokens(tokens, result.text, parts);
      tokenizer = `${where.path} (${mode === 'chat' ? 'its chat template' : 'completion mode: BOS, then the messages\' text'})`;
      total = listed.length;
    } catch (error) {
      io.stderr(`prompt-lab tokens: error: ${(error as Error).message}\n`);
      return ExitCode.findings;
    } finally {
      await backend.dispose();
    }
  } else {
    const choice = chooseEncoding(model);
    listed = labelTokens(tiktokenPieces(getTokenizer(choice.encoding), result.text), result.text, parts);
    tokenizer = choice.encoding;
    total = (await countPromptTokens(model, result.text, parts)).total;
    note = `${choice.reason} Listed: each message's role and content; ${total - listed.length} more tokens wrap the messages and prime the reply.`;
  }
  if (parsed.flags.has('json')) {
    io.stdout(`${JSON.stringify({ tokenizer, exact: local || chooseEncoding(model).exact, total, tokens: listed }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const counts = new Map<string, number>();
  for (const token of listed) counts.set(token.part, (counts.get(token.part) ?? 0) + 1);
  const idWidth = Math.max(...listed.map((token) => String(token.id).length), 2);
  for (const token of listed) io.stdout(`${String(token.index).padStart(5)}  ${String(token.id).padStart(idWidth)}  ${token.part.padEnd(11)}  ${visible(token.text)}\n`);
  io.stdout(`\n${[...counts].map(([part, count]) => `${part} ${count}`).join(' · ')} · total ${total} (${tokenizer})\n`);
  if (note) io.stdout(`${note}\n`);
  return ExitCode.ok;
}
