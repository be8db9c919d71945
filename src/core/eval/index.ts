// Evaluation core: datasets of test cases and the assertions run on outputs. Pure: the engine that
// runs tests × columns × samples uses these, in the extension and the CLI alike.
export { loadDataset, datasetFileFor, validateVars, mergeDefaultTest } from './dataset';
export { assertionFromString } from './assertionString';
export { runAssertion, runAssertions } from './assertions';
export { ASSERTION_TYPES, parseAssertionType, type AssertionType } from './assertions/registry';
export { testOutcome, type OutcomeOptions } from './outcome';
export { judgePromptReader, JUDGE_PROMPTS } from './judgePrompts';
export { formatOf, type DatasetFormat } from './sources';
export type * from './types';
export * from './evalRecord';
export { evalToCsv, evalToJson, evalToJunit, evalToMarkdown, verdictText, xmlText } from './evalExport';
