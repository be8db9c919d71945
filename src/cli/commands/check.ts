import { checkPrompt, partialNameOf } from '../../core/check/checkPrompt';
import { unmatchedGlobDiagnostics } from '../../core/patterns/retrieval/globDiagnostics';
import { nodeRetrievalSource } from '../../core/patterns/retrieval/nodeSource';
import type { RetrievalSource } from '../../core/patterns/retrieval/source';
import { all, parseArgs, UsageError } from '../args';
import type { CliCommand } from '../commands';
import { formatDiagnostic, summary, toFileDiagnostic, type FileDiagnostic } from '../diagnosticsOutput';
import { fileEnvironment } from '../fileEnvironment';
import { ExitCode } from '../io';
import { expandPromptFiles, readPromptFile } from '../promptFiles';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check .prompt files: YAML, config, schema, template, partials, variables',
  usage: `Usage: prompt-lab check <files, folders or globs…> [--json] [--prompts-dir <dir>]…

Prints each problem as file:line:column: severity: message [code] and exits 1 if any is an error.
  --json               {"diagnostics": [{file, line, column, endLine, endColumn, severity, message, code}]}
  --prompts-dir <dir>  Another folder to find partials (_name.prompt) in; the prompt's own folder comes first`,
  async run(args, io) {
    const parsed = parseArgs(args, { json: {}, 'prompts-dir': { value: true, repeat: true } });
    if (parsed.positionals.length === 0) throw new UsageError('check needs at least one file, folder or glob');
    const files = await expandPromptFiles(parsed.positionals);
    const diagnostics: FileDiagnostic[] = [];
    let retrieval: RetrievalSource | undefined;
    for (const file of files) {
      const text = await readPromptFile(file);
      const checked = await checkPrompt(text, fileEnvironment(file, all(parsed, 'prompts-dir')), { partialName: partialNameOf(file) });
      // promptlab.retrieve's globs are read in the working folder, as `run` reads them.
      const unmatched = await unmatchedGlobDiagnostics(checked, process.cwd(), async (glob) => (await (retrieval ??= nodeRetrievalSource(process.cwd())).list(glob)).length > 0);
      diagnostics.push(...[...checked.diagnostics, ...unmatched].map((diagnostic) => toFileDiagnostic(file, diagnostic)));
    }
    if (parsed.flags.has('json')) io.stdout(`${JSON.stringify({ diagnostics }, null, 2)}\n`);
    else {
      for (const diagnostic of diagnostics) io.stdout(`${formatDiagnostic(diagnostic)}\n`);
      io.stderr(`${summary(files.length, diagnostics)}\n`);
    }
    return diagnostics.some((d) => d.severity === 'error') ? ExitCode.findings : ExitCode.ok;
  },
};
