// All checks of one .prompt file, in file order: splitting, frontmatter, template, partials.
import { hasErrors, type PromptDiagnostic } from '../diagnostics';
import type { PartialFile, PromptEnvironment } from '../promptEnvironment';
import { readPromptSource, type PromptSource } from '../promptSource';
import { declaredInputs } from '../inputSchema';
import type { FrontmatterInfo } from './frontmatter';
import { analyzeFrontmatter } from './frontmatterCache';
import { checkPartials } from './partials';
import { Reporter } from './report';
import { checkTemplate, type TemplateInfo } from './template';

export interface CheckedPrompt {
  source: PromptSource;
  frontmatter: FrontmatterInfo;
  /** Undefined when the body is not valid Handlebars. */
  template?: TemplateInfo;
  partials: Map<string, PartialFile>;
  diagnostics: PromptDiagnostic[];
  ok: boolean;
}

export interface CheckOptions {
  /** The file's partial name when it is a partial (`_name.prompt`): no frontmatter expected, no
   * variable checks (its variables come from whoever includes it). */
  partialName?: string;
}

/** Partial files are named `_name.prompt`; returns `name`, or undefined for a prompt. */
export function partialNameOf(fileName: string): string | undefined {
  const match = /^_(.+)\.prompt$/.exec(fileName.replace(/^.*[\\/]/, ''));
  return match?.[1];
}

/** Larger files are refused: rendering them costs seconds and gigabytes in Handlebars (10 MB with
 * many expressions ran out of a 4 GB heap), and no model's context window holds that much text. */
export const MAX_PROMPT_CHARS = 2_000_000;

export async function checkPrompt(fileText: string, environment: PromptEnvironment, options: CheckOptions = {}): Promise<CheckedPrompt> {
  if (fileText.length > MAX_PROMPT_CHARS) return tooLarge(fileText);
  const source = readPromptSource(fileText);
  const report = new Reporter(source.lines, 0);
  let frontmatter: FrontmatterInfo = { broken: false };
  if (source.frontmatter) {
    const analysis = analyzeFrontmatter(source.frontmatter.text);
    const at = report.at(source.frontmatter.start);
    for (const problem of analysis.problems) at.report(problem.severity, problem.code, problem.message, problem.start, problem.end);
    frontmatter = analysis.info;
  }
  const bodyReport = report.at(source.body.start);
  const template = checkTemplate(source.body.text, bodyReport, {
    // Without a schema every variable is undeclared, which is worth saying; with a broken
    // frontmatter nothing is known, so say nothing.
    inputs: frontmatter.broken ? undefined : declaredInputs(frontmatter),
    isPartial: options.partialName !== undefined,
  });
  const partials = template ? await checkPartials(template.partials, environment, bodyReport, options.partialName) : new Map();
  // A prompt without text sends a model nothing to answer (the local model then rambles until its
  // limit): worth a warning, at the top of the file. A partial may be empty on purpose.
  if (options.partialName === undefined && source.body.text.trim() === '') {
    report.warning('empty-prompt', 'This prompt has no text: a run sends the model no message, only its settings. Write the prompt below the frontmatter.', 0, 0);
  }
  const diagnostics = [...source.diagnostics, ...report.diagnostics].sort((a, b) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { source, frontmatter, template, partials, diagnostics, ok: !hasErrors(diagnostics) };
}

function tooLarge(fileText: string): CheckedPrompt {
  // Only the first line is indexed: the point is to answer at once.
  const firstLine = fileText.slice(0, Math.max(0, fileText.indexOf('\n')) || Math.min(fileText.length, 200));
  const source = readPromptSource(firstLine);
  const megabytes = (fileText.length / 1_000_000).toFixed(1);
  const diagnostics: PromptDiagnostic[] = [{
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.length } },
    severity: 'error', code: 'file-too-large',
    message: `This file has ${megabytes} million characters; Prompt Lab checks and renders prompts up to ${MAX_PROMPT_CHARS / 1_000_000} million (far beyond any context window). Move bulk data into inputs or split the prompt.`,
  }];
  return { source, frontmatter: { broken: true }, partials: new Map(), diagnostics, ok: false };
}
