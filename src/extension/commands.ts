// Command ids, in one place: package.json's `contributes.commands` declares the same ids, and an
// integration test checks that every declared command is registered.
export const Commands = {
  openPanel: 'promptLab.openPanel',
  runPrompt: 'promptLab.runPrompt',
  compareTemperatures: 'promptLab.compareTemperatures',
  compare: 'promptLab.compare',
  /** Hidden from the palette: `(format, targetUri?, comparisonId?)` saves a comparison without the
   * save dialog when a target is given (scripts, tests); the panel's Export asks where. */
  exportComparison: 'promptLab.compare.export',
  newPromptFromTemplate: 'promptLab.newPromptFromTemplate',
  selectBackend: 'promptLab.selectBackend',
  /** Accepts `{ backendId?, apiKey? }` (see backends/apiKeyCommands.ts) so tests and scripts can skip the prompts. */
  setApiKey: 'promptLab.setApiKey',
  clearApiKey: 'promptLab.clearApiKey',
  /** Test hook, hidden from the palette: for a backend id, the origins a key is stored for and whether
   * a run would send it, ask first, or have none. Never returns a key. */
  checkApiKey: 'promptLab.apiKey.check',
  /** Test hook, hidden from the palette: the status bar's token count state (TokenCountState), as
   * the status bar item's text cannot be read through the API. */
  currentTokenCount: 'promptLab.tokenCount.current',
  /** Test hook, hidden from the palette: `{ type, payload }` of a probability request as the panel
   * posts it (logprobs/get, nextTokens/get, nextTokens/continue); resolves to the reply's payload. */
  probabilityRequest: 'promptLab.probabilities.request',
} as const;
