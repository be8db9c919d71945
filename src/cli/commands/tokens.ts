import * as path from 'node:path';
import { DEFAULT_LOCAL_BACKEND } from '../../backends/backendConfig';
import { LocalBackend } from '../../backends/local/localBackend';
import type { AnalyzedPrompt } from '../../core/analyzePrompt';
import { countPromptTokens, type TokenReport } from '../../core/promptTokens';
import { chatMessagesOf } from '../../backends/runPrompt';
import { parseArgs, single } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';
import { RENDER_OPTIONS, RENDER_USAGE } from '../renderOptions';
import { analyzeForCli } from '../runPromptCommand';
import { cliLocalModelProblem } from '../runTarget';
import { showTokens } from './tokensShow';

export const tokensCommand: CliCommand = {
  name: 'tokens',
  summary: 'Count a rendered prompt\'s tokens, per message and per part',
  usage: `Usage: prompt-lab tokens <file> [--model m] [--model-path file.gguf] [--show] [--json]
                         [--input key=value]… [--input-file data.json] [--input-value text] [--variant v] [--shots n] [--prompts-dir dir]…

  --model <id>          Count for this model instead of the file's (e.g. openai/gpt-4)
  --show                List every token: index, id, part (instruction, examples, content, cue,
                        overhead) and text (· space, ⏎ newline); with --json {tokenizer, exact,
                        total, tokens: [{index, id, text, part}]}
  --model-path <file>   Count with this local GGUF model's own tokenizer, as a run on it sends the
                        prompt (exact); with --show also for a local/… model with $PROMPT_LAB_MODEL.
                        Otherwise the model's tiktoken encoding
${RENDER_USAGE}
  --json                {"tokenizer", "exact", "total", "messages": [{role, tokens}], "parts": [{name, tokens}]}`,
  async run(args, io) {
    const parsed = parseArgs(args, { ...RENDER_OPTIONS, model: { value: true }, show: {}, 'model-path': { value: true } });
    const analysis = await analyzeForCli(parsed, io);
    if (typeof analysis === 'number') return analysis;
    if (parsed.flags.has('show')) return showTokens(parsed, analysis.analyzed, io);
    const { result, parts } = analysis.analyzed;
    const model = single(parsed, 'model') ?? result.model;
    const modelPath = single(parsed, 'model-path');
    const tokens = modelPath !== undefined ? await localCounts(modelPath, analysis.analyzed, io) : await countPromptTokens(model, result.text, parts);
    if (typeof tokens === 'number') return tokens;
    if (parsed.flags.has('json')) {
      io.stdout(`${JSON.stringify({
        tokenizer: tokens.tokenizer,
        exact: tokens.exact,
        total: tokens.total,
        messages: tokens.messages,
        parts: tokens.parts.map(({ name, tokens: count }) => ({ name, tokens: count })),
      }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const rows: [string, number][] = [
      ...tokens.messages.map((message, index): [string, number] => [`message ${index + 1} (${message.role})`, message.tokens]),
      ['', NaN],
      ...tokens.parts.map((part): [string, number] => [part.name, part.tokens]),
      ['overhead', tokens.overhead],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, count] of rows) io.stdout(label ? `${label.padEnd(width)}  ${String(count).padStart(7)}\n` : '\n');
    io.stdout(`${'total'.padEnd(width)}  ${String(tokens.total).padStart(7)}\n\n${tokens.note}\n`);
    return ExitCode.ok;
  },
};

/** The counts on the local model: its own tokenizer for each message and part, and the prompt's total
 * as a generation sends it (BOS, the chat template or the newlines between messages), as the
 * extension's token view counts for the local backend (backends/promptBudget.ts). */
async function localCounts(modelPath: string, { result, parts }: AnalyzedPrompt, io: { stderr(text: string): void }): Promise<(Omit<TokenReport, 'tokenizer'> & { tokenizer: string }) | number> {
  const config = { ...DEFAULT_LOCAL_BACKEND, modelPath };
  const problem = cliLocalModelProblem(config, modelPath, undefined);
  if (problem !== undefined) {
    io.stderr(`prompt-lab tokens: error: ${problem}\n`);
    return ExitCode.findings;
  }
  const backend = new LocalBackend(config);
  try {
    const [report, measure, messageCounts] = await Promise.all([
      countPromptTokens(result.model, result.text, parts, (_encoding, texts) => backend.countTokens(texts)),
      backend.measurePrompt(chatMessagesOf(result)),
      backend.countTokens(result.text.map((message) => message.content)),
    ]);
    const partsTotal = report.parts.reduce((sum, part) => sum + part.tokens, 0);
    const name = path.basename(modelPath).replace(/\.gguf$/i, '');
    return {
      ...report,
      // Each message's own text (tiktoken's per-message wrapping is OpenAI's, not this model's).
      messages: result.text.map((message, index) => ({ role: message.role, tokens: messageCounts[index]! })),
      tokenizer: `${name}'s own`,
      exact: true,
      total: measure.promptTokens,
      overhead: Math.max(0, measure.promptTokens - partsTotal),
      note: `Counted with ${name}'s own tokenizer, as a run on it sends the prompt (${measure.contextSize.toLocaleString('en-US')}-token context window).`,
    };
  } catch (error) {
    io.stderr(`prompt-lab tokens: error: ${(error as Error).message}\n`);
    return ExitCode.findings;
  } finally {
    await backend.dispose();
  }
}
