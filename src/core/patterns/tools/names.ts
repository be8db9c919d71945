// The names of the agent's tools, apart from the tools themselves: the frontmatter check needs the
// names in the editor, and must not load mathjs to know them.
export const TOOL_NAMES = ['search', 'calculate', 'lookup'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];
export const isToolName = (name: string): name is ToolName => (TOOL_NAMES as readonly string[]).includes(name);
