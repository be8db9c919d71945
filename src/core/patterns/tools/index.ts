// The tools a ReAct agent may call (`promptlab.agent: { tools: [...] }`), run by name. A tool's
// failure is an observation the model reads (it can try again); only an unknown name ends the run.
import type { Passage, Retriever } from '../trace';
import { lookup, search } from './search';

import type { ToolName } from './names';

export { isToolName, TOOL_NAMES, type ToolName } from './names';

/** What the model reads back: longer tool output is cut here. */
export const OBSERVATION_LIMIT = 2000;

export interface ToolContext {
  retriever?: Retriever;
  signal?: AbortSignal;
  /** The passages of the last search, for `lookup`: the tools set it. */
  lastSearch?: Passage[];
}

export const capObservation = (text: string) =>
  (text.length > OBSERVATION_LIMIT ? `${text.slice(0, OBSERVATION_LIMIT)}… (cut: ${text.length - OBSERVATION_LIMIT} more characters)` : text);

/** Runs a tool: its observation, or an Error whose message becomes the observation. */
export async function runTool(name: ToolName, argument: string, context: ToolContext): Promise<string> {
  switch (name) {
    case 'calculate': {
      // mathjs is large: loaded when an agent first calculates, not with every run.
      const { calculate } = await import('./calculate');
      return capObservation(calculate(argument));
    }
    case 'search': {
      const { text, passages } = await search(context.retriever, argument, context.signal);
      context.lastSearch = passages;
      return capObservation(text);
    }
    case 'lookup':
      return capObservation(lookup(context.lastSearch, argument));
  }
}
