// Reading a ReAct step: the model writes a Thought and an Action (`Action: tool[argument]`, as the
// ReAct paper's prompts do, or `Action: tool` with an `Action Input: argument` line, as LangChain's
// do); the LAST action of the step is the one that runs (a model may restate an earlier one).
// Tool names are read case-insensitively (`Search[...]` in the paper's own examples).

/** The stop sequence every agent step generates up to: the tool, not the model, writes what follows. */
export const OBSERVATION_CUE = 'Observation:';

export type ParsedStep =
  | { kind: 'action'; thought?: string; tool: string; argument: string }
  | { kind: 'unreadable'; thought?: string; error: string };

const ACTION_LINE = /^[ \t]*Action(?:[ \t]*\d+)?[ \t]*:[ \t]*(.*)$/gim;
const INPUT_LINE = /^[ \t]*Action[ \t]+Input(?:[ \t]*\d+)?[ \t]*:[ \t]*(.*)$/im;
const CALL = /^([A-Za-z_][\w-]*)[ \t]*\[([\s\S]*)\][ \t]*\.?$/;
const BARE = /^([A-Za-z_][\w-]*)[ \t]*$/;

/** The text a step may have written past the stop sequence (a backend that does not honour stop
 * sequences): everything from the first `Observation:` on is the model's invention, not kept. */
export function cutAtObservation(text: string): string {
  const at = text.indexOf(OBSERVATION_CUE);
  return at === -1 ? text : text.slice(0, at);
}

const thoughtOf = (text: string) => {
  const thought = text.replace(/^\s*Thought(?:[ \t]*\d+)?[ \t]*:/i, '').trim();
  return thought ? thought : undefined;
};

const unquote = (text: string) => text.trim().replace(/^(["'`])([\s\S]*)\1$/, '$2');

export function parseStep(text: string): ParsedStep {
  const actions = [...text.matchAll(ACTION_LINE)].filter((match) => !/^\s*Action[ \t]+Input/i.test(match[0]));
  const last = actions.at(-1);
  if (!last) {
    return { kind: 'unreadable', ...withThought(text), error: 'the step has no action: the model must end each step with Action: tool[argument]' };
  }
  const thought = thoughtOf(text.slice(0, last.index));
  const written = last[1]!.trim();
  const call = CALL.exec(written);
  if (call) return { kind: 'action', ...(thought ? { thought } : {}), tool: call[1]!.toLowerCase(), argument: call[2]!.trim() };
  const bare = BARE.exec(written);
  const input = bare ? INPUT_LINE.exec(text.slice(last.index + last[0].length)) : null;
  if (bare && input) return { kind: 'action', ...(thought ? { thought } : {}), tool: bare[1]!.toLowerCase(), argument: unquote(input[1]!) };
  return { kind: 'unreadable', ...(thought ? { thought } : {}), error: `cannot read the action '${written.slice(0, 80)}': write Action: tool[argument]` };
}

const withThought = (text: string) => {
  const thought = thoughtOf(text);
  return thought ? { thought } : {};
};
