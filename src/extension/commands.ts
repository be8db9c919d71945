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
  /** Runs the prompt's dataset into the panel's eval view. Accepts `(uri?, { dataset?, axes?,
   * samples?, seed?, judge? })`: with options it asks nothing (scripts, tests). */
  evaluate: 'promptLab.evaluate',
  /** Hidden from the palette: `(format, targetUri?, evalId?)` saves an eval (markdown, csv, json, junit). */
  exportEval: 'promptLab.eval.export',
  newPromptFromTemplate: 'promptLab.newPromptFromTemplate',
  /** A Prompty or GitHub Models file → a .prompt file beside it; takes the file's Uri or asks. */
  importPrompt: 'promptLab.importPrompt',
  selectBackend: 'promptLab.selectBackend',
  /** Forgets the cached model lists of the backends; resolves to what they list now (by backend id). */
  refreshModelLists: 'promptLab.refreshModelLists',
  /** Accepts `{ backendId?, apiKey? }` (see backends/apiKeyCommands.ts) so tests and scripts can skip the prompts. */
  setApiKey: 'promptLab.setApiKey',
  clearApiKey: 'promptLab.clearApiKey',
  /** Test hook, hidden from the palette: for a backend id, the origins a key is stored for and whether
   * a run would send it, ask first, or have none. Never returns a key. */
  checkApiKey: 'promptLab.apiKey.check',
  /** Test hook, hidden from the palette: the status bar's token count state (TokenCountState), as
   * the status bar item's text cannot be read through the API. */
  currentTokenCount: 'promptLab.tokenCount.current',
  /** Test hook, hidden from the palette: the `prompt/rendered` payloads the open panel was sent,
   * oldest first (the last 20): what the panel shows of the rendered prompt and its token chips. */
  renderedPromptPosted: 'promptLab.renderedPrompt.posted',
  // The History view (sidebar/historyCommands.ts). Each takes the record's tree element, or its id.
  historyRefresh: 'promptLab.history.refresh',
  historyOpen: 'promptLab.history.open',
  /** `(first?, selected?)` from the view, or two record ids: the two records side by side in the panel. */
  historyCompareRecords: 'promptLab.history.compareRecords',
  historyRerun: 'promptLab.history.rerun',
  historyDelete: 'promptLab.history.delete',
  historyRevealJson: 'promptLab.history.revealJson',
  /** Test and script hook, hidden from the palette: every record's index entry, newest first. */
  historyList: 'promptLab.history.list',
  /** Test and script hook, hidden: `(id, completion, feedback)` sets feedback as the panel's buttons
   * do, and resolves to the record's feedback as saved. */
  historySetFeedback: 'promptLab.history.setFeedback',
  /** Test hook, hidden from the palette: `{ type, payload }` of a probability request as the panel
   * posts it (logprobs/get, nextTokens/get, nextTokens/continue); resolves to the reply's payload. */
  probabilityRequest: 'promptLab.probabilities.request',
} as const;
