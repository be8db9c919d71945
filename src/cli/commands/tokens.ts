import { countPromptTokens } from '../../core/promptTokens';
import { parseArgs, single } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';
import { RENDER_OPTIONS, RENDER_USAGE } from '../renderOptions';
import { analyzeForCli } from '../runPromptCommand';

export const tokensCommand: CliCommand = {
  name: 'tokens',
  summary: 'Count a rendered prompt\'s tokens, per message and per part',
  usage: `Usage: prompt-lab tokens <file> [--model m] [--input key=value]… [--shots n] [--json]

  --model <id>          Count for this model instead of the file's (e.g. openai/gpt-4)
${RENDER_USAGE}
  --json                {"tokenizer", "exact", "total", "messages": [{role, tokens}], "parts": [{name, tokens}]}`,
  async run(args, io) {
    const parsed = parseArgs(args, { ...RENDER_OPTIONS, model: { value: true } });
    const analysis = await analyzeForCli(parsed, io);
    if (typeof analysis === 'number') return analysis;
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
