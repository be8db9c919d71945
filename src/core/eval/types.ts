// The shapes of an evaluation: test cases as promptfoo writes them (so promptfoo test files load
// unchanged), where each came from, and what an assertion concludes about an output.
import type { Position } from '../diagnostics';

/** One assertion as written in a test: `{ type: contains, value: Paris }`. */
export interface Assertion {
  /** An assertion type, optionally prefixed `not-` to negate it. */
  type: string;
  value?: unknown;
  threshold?: number;
  /** How much the assertion counts in the test's score (default 1; 0 = reported, not counted). */
  weight?: number;
  /** A named score this assertion contributes to. */
  metric?: string;
  /** For model-graded assertions: which backend judges (the engine resolves it). */
  provider?: unknown;
}

/** A test case in promptfoo's shape. */
export interface TestCase {
  description?: string;
  vars: Record<string, unknown>;
  assert?: Assertion[];
  /** Passed through for the engine (promptfoo's `options`: provider, prefix, suffix…). */
  options?: Record<string, unknown>;
  /** Pass when the weighted score reaches this, instead of requiring every assertion to pass. */
  threshold?: number;
  metadata?: Record<string, unknown>;
}

/** Where something is: the dataset file and a 0-based position in it (the CLI prints +1). */
export interface SourceLocation {
  file: string;
  position: Position;
}

export interface DatasetProblem extends SourceLocation {
  /** The field it concerns, e.g. `assert[1].threshold` or `vars.city`; empty for the file or test. */
  field: string;
  message: string;
  /** The test it concerns (index in `tests`); undefined for the file as a whole. */
  test?: number;
}

export interface LoadedTest extends TestCase, SourceLocation {
  /** Index in the dataset (0-based). */
  index: number;
  /** Problems with this test: the engine skips it (and reports them) while the others run. */
  problems: DatasetProblem[];
  /** Where each of the test's own vars was written (its key), for input-schema problems. */
  varPositions?: Record<string, Position>;
}

export interface Dataset {
  file: string;
  tests: LoadedTest[];
  /** Problems with the file as a whole (syntax, shape) and, repeated from the tests, each test's. */
  problems: DatasetProblem[];
}

/** What an assertion concluded about one output. */
export interface AssertionResult {
  type: string;
  pass: boolean;
  /** 0..1. */
  score: number;
  reason: string;
  weight: number;
  metric?: string;
  /** The assertion could not be evaluated (bad value, judge failed, code not allowed…): never a pass. */
  error?: true;
  /** What the judge answered, for model-graded assertions. */
  judge?: { verdict: string };
}

/** A chat message for the judge. */
export interface JudgeMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Everything an assertion may look at besides its own definition. */
export interface AssertionContext {
  /** The completion's text. */
  output: string;
  /** The test's vars (after defaults). */
  vars?: Record<string, unknown>;
  /** The rendered prompt, for assertions that read the question (answer-relevance, factuality). */
  prompt?: string;
  latencyMs?: number;
  /** Cost of the call in the backend's currency unit (USD for the known catalogues). */
  cost?: number;
  /** Log-probabilities of the generated tokens (natural log), for perplexity. */
  logprobs?: number[];
  /** May `javascript` assertions run? False in VS Code's Restricted Mode. */
  allowCode: boolean;
  /** Sends messages to the judge model and returns its text. */
  judge?: (messages: JudgeMessage[]) => Promise<string>;
  /** Returns the text of the judge prompt `name` (e.g. `llm-rubric`), so users can override it. */
  readJudgePrompt?: (name: string) => Promise<string>;
}

export interface TestOutcome {
  pass: boolean;
  /** Weighted mean of the counted assertions' scores (1 with no counted assertions). */
  score: number;
  reason: string;
  /** Means of the scores per `metric` name. */
  namedScores: Record<string, number>;
  /** At least one assertion could not be evaluated. */
  error: boolean;
}
