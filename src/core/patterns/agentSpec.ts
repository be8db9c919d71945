// `promptlab.agent: { tools: [search, calculate, lookup], maxSteps: 8 }`: the prompt runs as a ReAct
// agent. Checked where it is written (frontmatter check), and read again from the rendered prompt's
// extensions when it runs (Dotprompt hands `promptlab.agent` over as `ext.promptlab.agent`).
import { isMap, isScalar, isSeq } from 'yaml';
import type { Report } from '../check/report';
import { describeNode, keyText, nodeSpan, pairsOf, type AnyNode } from '../check/yamlNodes';
import { isToolName, TOOL_NAMES, type ToolName } from './tools/names';

export interface AgentSpec {
  tools: ToolName[];
  maxSteps: number;
}

export const DEFAULT_MAX_STEPS = 8;
/** Each step is a generation: more than this is a loop, not a plan. */
export const MAX_STEPS_LIMIT = 50;

const EXAMPLE = 'promptlab.agent: { tools: [search, calculate], maxSteps: 8 }';

/** Checks the value of `promptlab.agent`; the spec when it can run. */
export function checkAgentSpec(value: AnyNode, report: Report): AgentSpec | undefined {
  const [start, end] = nodeSpan(value);
  if (!isMap(value)) {
    report.error('extension-key', `'promptlab.agent' must be a map of tools and maxSteps, e.g. ${EXAMPLE}; not ${describeNode(value)}.`, start, end);
    return undefined;
  }
  let tools: ToolName[] | undefined;
  let maxSteps = DEFAULT_MAX_STEPS;
  let ok = true;
  for (const pair of pairsOf(value)) {
    const key = keyText(pair);
    const inner = pair.value as AnyNode;
    const [innerStart, innerEnd] = nodeSpan(inner);
    if (key === 'tools') {
      if (!isSeq(inner)) {
        report.error('extension-key', `'promptlab.agent.tools' must be a list of tools (${TOOL_NAMES.join(', ')}); not ${describeNode(inner)}.`, innerStart, innerEnd);
        ok = false;
        continue;
      }
      tools = [];
      for (const item of inner.items as AnyNode[]) {
        const name = isScalar(item) ? item.value : undefined;
        const [itemStart, itemEnd] = nodeSpan(item);
        if (typeof name === 'string' && isToolName(name)) {
          if (tools.includes(name)) report.warning('extension-key', `The tool '${name}' is listed twice.`, itemStart, itemEnd);
          else tools.push(name);
        } else {
          report.error('extension-key', `Unknown tool ${typeof name === 'string' ? `'${name}'` : describeNode(item)}. The agent's tools are ${TOOL_NAMES.join(', ')}.`, itemStart, itemEnd);
          ok = false;
        }
      }
      if (inner.items.length === 0) {
        report.error('extension-key', `'promptlab.agent.tools' lists no tool: give at least one of ${TOOL_NAMES.join(', ')}.`, innerStart, innerEnd);
        ok = false;
      }
    } else if (key === 'maxSteps') {
      const steps = isScalar(inner) ? inner.value : undefined;
      if (typeof steps === 'number' && Number.isInteger(steps) && steps >= 1 && steps <= MAX_STEPS_LIMIT) maxSteps = steps;
      else {
        report.error('extension-key', `'promptlab.agent.maxSteps' must be a whole number from 1 to ${MAX_STEPS_LIMIT}; not ${describeNode(inner)}.`, innerStart, innerEnd);
        ok = false;
      }
    } else {
      const [keyStart, keyEnd] = nodeSpan(pair.key as AnyNode);
      report.warning('unknown-key', `Unknown key 'promptlab.agent.${key}'. Known: tools, maxSteps.`, keyStart, keyEnd);
    }
  }
  if (!tools) {
    if (ok) report.error('extension-key', `'promptlab.agent' needs its tools, e.g. ${EXAMPLE}.`, start, end);
    return undefined;
  }
  return ok ? { tools, maxSteps } : undefined;
}

/** The agent spec of a rendered prompt (its `ext`), as checked; undefined when it is not an agent. */
export function agentSpecOf(ext: Record<string, Record<string, unknown>>): AgentSpec | undefined {
  const spec = ext.promptlab?.agent as { tools?: unknown; maxSteps?: unknown } | undefined;
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.tools)) return undefined;
  const tools = spec.tools.filter((tool): tool is ToolName => typeof tool === 'string' && isToolName(tool));
  const maxSteps = typeof spec.maxSteps === 'number' && Number.isInteger(spec.maxSteps) && spec.maxSteps >= 1
    ? Math.min(spec.maxSteps, MAX_STEPS_LIMIT) : DEFAULT_MAX_STEPS;
  return { tools, maxSteps };
}
