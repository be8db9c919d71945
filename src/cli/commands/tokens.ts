import { countPromptTokens } from '../../core/promptTokens';
import { parseArgs, single, UsageError } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';
import { RENDER_OPTIONS, RENDER_USAGE } from '../renderOptions';
import { analyzeForCli } from '../runPromptCommand';
import { showTokens } from './tokensShow';

export const tokensCommand: CliCommand = {
  name: 'tokens',
  summary: 'Count a rendered prompt\'s tokens, per message and per part',
  usage: `Usage: prompt-lab tokens <file> [--model m] [--input key=value]… [--shots n] [--show [--model-path file.gguf]] [--json]

  --model <id>          Count for this model instead of the file's (e.g. openai/gpt-4)
  --show                List every token: index, id, part (instruction, examples, content, cue,
                        overhead) and text (· space, ⏎ newline); with --json {tokenizer, exact,
                        total, tokens: [{index, id, text, part}]}
  --model-path <file>   With --show: the local GGUF model's own tokenizer (also for a local/… model
                        with $PROMPT_LAB_MODEL); otherwise the model's tiktoken encoding
${RENDER_USAGE}
  --json                {"tokenizer", "exact", "total", "messages": [{role, tokens}], "parts": [{name, tokens}]}`,
  async run(args, io) {
    const parsed = parseArgs(args, { ...RENDER_OPTIONS, model: { value: true }, show: {}, 'model-path': { value: true } });
    if (parsed.values.has('model-path') && !parsed.flags.has('show')) throw new UsageError('--model-path goes with --show');
    const analysis = await analyzeForCli(parsed, io);
    if (typeof analysis === 'number') return analysis;
    if (parsed.flags.has('show')) return showTokens(parsed, analysis.analyzed, io);
    const { result, parts } = analysis.analyzed;
    const model = single(parsed, 'model') ?? result.model;
    const tokens = await countPromptTokens(model, result.text, parts);
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
