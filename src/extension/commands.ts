// Command ids, in one place: package.json's `contributes.commands` declares the same ids, and an
// integration test checks that every declared command is registered.
export const Commands = {
  openPanel: 'promptLab.openPanel',
  runPrompt: 'promptLab.runPrompt',
  compareTemperatures: 'promptLab.compareTemperatures',
  newPromptFromTemplate: 'promptLab.newPromptFromTemplate',
  /** Test hook, hidden from the palette: the status bar's token count state (TokenCountState), as
   * the status bar item's text cannot be read through the API. */
  currentTokenCount: 'promptLab.tokenCount.current',
} as const;
