// `promptlab.execute: javascript`: the prompt is program-aided (PAL); the completion's code runs in
// the QuickJS sandbox and its answer is the output. JavaScript is the one language there is a
// sandbox for: other languages are a diagnostic, never run.
import { isScalar } from 'yaml';
import type { Report } from '../check/report';
import { describeNode, nodeSpan, type AnyNode } from '../check/yamlNodes';

export type ExecuteLanguage = 'javascript';

export function checkExecuteSpec(value: AnyNode, report: Report): ExecuteLanguage | undefined {
  const [start, end] = nodeSpan(value);
  const language = isScalar(value) ? value.value : undefined;
  if (language === 'javascript') return 'javascript';
  const what = typeof language === 'string' ? `'${language}'` : describeNode(value);
  report.error('extension-key', `'promptlab.execute' runs the completion's code in a JavaScript sandbox: its value must be 'javascript', not ${what}.`, start, end);
  return undefined;
}

/** The language a rendered prompt's code runs in (its `ext`); undefined when it runs none. */
export function executeSpecOf(ext: Record<string, Record<string, unknown>>): ExecuteLanguage | undefined {
  return ext.promptlab?.execute === 'javascript' ? 'javascript' : undefined;
}
