import { countPromptTokens } from '../../core/promptTokens';
import { parseArgs } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';
import { RENDER_OPTIONS, RENDER_USAGE } from '../renderOptions';
import { analyzeForCli } from '../runPromptCommand';

/** Dotprompt's rendered prompt as JSON: its data, without functions (tool implementations). */
const dotpromptJson = (rendered: Record<string, unknown> | undefined): unknown => (rendered === undefined ? null : JSON.parse(JSON.stringify(rendered)));

export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'Render a .prompt file to the messages a model receives, with its parts and tokens',
  usage: `Usage: prompt-lab render <file> [--input key=value]… [--input-file data.json] [--input-value text] [--variant v] [--shots n] [--prompts-dir dir]…
                         [--json]

${RENDER_USAGE}
  --json                {"model", "config", "messages": [{role, content}], "parts": [{name, text, tokens}],
                        "dotprompt": what Dotprompt's render returns (messages with parts, schemas, raw)}

Renders what Dotprompt renders: the check's findings (a config value out of range, an unknown key)
are printed as warnings on stderr; a file Dotprompt cannot render (broken YAML or template, a
missing partial) is reported with file:line:column and exit 1.`,
  async run(args, io) {
    const parsed = parseArgs(args, RENDER_OPTIONS);
    const analysis = await analyzeForCli(parsed, io, { loose: true });
    if (typeof analysis === 'number') return analysis;
    const { result, parts } = analysis.analyzed;
    const tokens = await countPromptTokens(result.model, result.text, parts);
    if (parsed.flags.has('json')) {
      io.stdout(`${JSON.stringify({
        model: result.model ?? null,
        config: result.config,
        messages: result.text,
        parts: tokens.parts,
        // What Dotprompt's own render returns (message parts, metadata, schemas): for tools that
        // compare with Dotprompt, and the conformance suite run through this command.
        dotprompt: dotpromptJson(result.dotprompt),
      }, null, 2)}\n`);
      return ExitCode.ok;
    }
    io.stdout(`model: ${result.model ?? '(none)'}${Object.keys(result.config).length ? `  config: ${JSON.stringify(result.config)}` : ''}\n`);
    result.text.forEach((message, index) => {
      io.stdout(`\n── ${message.role} · ${tokens.messages[index]!.tokens} tokens ──\n${message.content}\n`);
    });
    const summary = tokens.parts.filter((part) => part.tokens > 0).map((part) => `${part.name} ${part.tokens}`);
    io.stdout(`\n${[...summary, `overhead ${tokens.overhead}`].join(' · ')} = ${tokens.total} tokens${tokens.exact ? '' : ' (approximate)'}\n`);
    if (result.examples) io.stdout(`examples: ${result.examples.used} of ${result.examples.available} (input '${result.examples.input}')\n`);
    return ExitCode.ok;
  },
};
