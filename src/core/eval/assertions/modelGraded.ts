// Model-graded assertions (promptfoo docs: expected-outputs/model-graded/): llm-rubric, factuality,
// answer-relevance, g-eval. The judge's prompt is a .prompt file (prompts/judges/<name>.prompt, which
// the host may let the user override) rendered by Prompt Lab's own renderer; the judge is a function
// the engine provides over a real backend. A judge that throws or answers something that is not a
// verdict makes the assertion an error, never a pass, and the answer is kept for the user to see.
import { memoryEnvironment } from '../../promptEnvironment';
import { renderPrompt } from '../../render';
import type { Assertion, AssertionContext, JudgeMessage } from '../types';
import { extractJsonValues } from './json';
import { failure, type Verdict } from './verdict';

type JudgeContext = AssertionContext & Required<Pick<AssertionContext, 'judge' | 'readJudgePrompt'>>;

class JudgeError extends Error {
  constructor(message: string, readonly verdict?: string) { super(message); }
}

async function ask(context: JudgeContext, name: string, input: Record<string, string>): Promise<string> {
  let text: string;
  try {
    text = await context.readJudgePrompt(name);
  } catch (error) {
    throw new JudgeError(`The judge prompt ${name}.prompt could not be read: ${(error as Error).message}`);
  }
  let messages: JudgeMessage[];
  try {
    const rendered = await renderPrompt(text, memoryEnvironment(), { input });
    messages = rendered.text.map((message) => ({ role: message.role === 'model' ? 'assistant' : message.role === 'system' ? 'system' : 'user', content: message.content }));
  } catch (error) {
    throw new JudgeError(`The judge prompt ${name}.prompt does not render: ${(error as Error).message}`);
  }
  try {
    return await context.judge(messages);
  } catch (error) {
    throw new JudgeError(`The judge failed: ${(error as Error).message}`);
  }
}

/** The last JSON object in the answer (judges often think aloud first). */
function jsonVerdict(answer: string): Record<string, unknown> | undefined {
  const objects = extractJsonValues(answer).filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value));
  return objects[objects.length - 1];
}

function numberFrom(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

function booleanFrom(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|yes|pass|y)$/i.test(value.trim())) return true;
  if (typeof value === 'string' && /^(false|no|fail|n)$/i.test(value.trim())) return false;
  return undefined;
}

const clamp = (score: number) => Math.max(0, Math.min(1, score));
const reasonOf = (parsed: Record<string, unknown>, fallback: string) => (typeof parsed.reason === 'string' && parsed.reason.trim() ? parsed.reason.trim() : fallback);
const garbage = (type: string, answer: string, expected: string) =>
  new JudgeError(`The judge's answer for ${type} is not a verdict (expected ${expected})`, answer);

/** llm-rubric: {reason, pass, score}. As promptfoo, a threshold also requires score ≥ threshold. A
 * verdict with a score but no pass passes at score ≥ threshold (0.5 without one): promptfoo passes it. */
export function parseRubricVerdict(answer: string, threshold?: number): Verdict {
  const parsed = jsonVerdict(answer);
  const passValue = parsed ? booleanFrom(parsed.pass) : undefined;
  const scoreValue = parsed ? numberFrom(parsed.score) : undefined;
  if (!parsed || (passValue === undefined && scoreValue === undefined)) throw garbage('llm-rubric', answer, 'JSON {"reason", "pass", "score"}');
  const score = clamp(scoreValue ?? (passValue ? 1 : 0));
  let pass = passValue ?? score >= (threshold ?? 0.5);
  if (threshold !== undefined) pass = pass && score >= threshold;
  return { pass, score, reason: reasonOf(parsed, pass ? 'The judge passed the output' : 'The judge failed the output'), judge: { verdict: answer } };
}

const FACTUALITY_CHOICES: Record<string, string> = {
  A: 'the output is a subset of the reference and consistent with it',
  B: 'the output is a superset of the reference and consistent with it',
  C: 'the output contains the same details as the reference',
  D: 'the output and the reference disagree',
  E: 'the output and the reference differ, but not in facts',
};

/** factuality: a choice letter A–E (JSON {category} or the letter as OpenAI's evals write it);
 * A, B, C and E pass, D fails, as promptfoo's defaults. */
export function parseFactualityVerdict(answer: string): Verdict {
  const parsed = jsonVerdict(answer);
  const fromJson = typeof parsed?.category === 'string' ? /^\s*\(?([A-E])\)?/i.exec(parsed.category)?.[1] : undefined;
  const letter = (fromJson ?? /\(([A-E])\)/.exec(answer)?.[1] ?? /^\s*([A-E])(?:[).:\s]|$)/m.exec(answer)?.[1])?.toUpperCase();
  if (!letter) throw garbage('factuality', answer, 'one of the choices A, B, C, D or E');
  const pass = letter !== 'D';
  const meaning = FACTUALITY_CHOICES[letter]!;
  return { pass, score: pass ? 1 : 0, reason: `(${letter}) ${meaning}${parsed && typeof parsed.reason === 'string' ? `: ${parsed.reason}` : ''}`, judge: { verdict: answer } };
}

/** A {score, reason} verdict on a scale (1 for answer-relevance, 10 for g-eval), normalised to 0..1. */
export function parseScoreVerdict(type: string, answer: string, scale: number, threshold: number): Verdict {
  const parsed = jsonVerdict(answer);
  const raw = parsed ? numberFrom(parsed.score) : undefined;
  if (!parsed || raw === undefined || raw < 0 || raw > scale) throw garbage(type, answer, `JSON {"score": 0–${scale}, "reason"}`);
  const score = raw / scale;
  const pass = score >= threshold;
  return { pass, score, reason: `${reasonOf(parsed, `${type} score ${score.toFixed(2)}`)} (score ${score.toFixed(2)} ${pass ? '≥' : '<'} ${threshold})`, judge: { verdict: answer } };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : value === undefined || value === null ? undefined : JSON.stringify(value));

export async function modelGraded(type: 'llm-rubric' | 'factuality' | 'answer-relevance' | 'g-eval', context: AssertionContext, assertion: Assertion): Promise<Verdict> {
  if (!context.judge) return failure(`${type} needs a judge model, and none is configured for this run`);
  if (!context.readJudgePrompt) return failure(`${type} needs its judge prompt, and this host gives none`);
  const judged = context as JudgeContext;
  const value = text(assertion.value);
  const question = context.prompt ?? text(context.vars?.query) ?? '';
  try {
    switch (type) {
      case 'llm-rubric':
        if (!value) return failure('llm-rubric needs the rubric as its value');
        return parseRubricVerdict(await ask(judged, type, { output: context.output, rubric: value }), assertion.threshold);
      case 'factuality':
        if (!value) return failure('factuality needs the reference statement as its value');
        return parseFactualityVerdict(await ask(judged, type, { input: question, ideal: value, completion: context.output }));
      case 'answer-relevance': {
        const query = text(context.vars?.query) ?? context.prompt;
        if (!query) return failure('answer-relevance needs the question: a `query` var or the rendered prompt');
        return parseScoreVerdict(type, await ask(judged, type, { query, output: context.output }), 1, assertion.threshold ?? 0.7);
      }
      case 'g-eval': {
        if (!value) return failure('g-eval needs the criteria as its value');
        const stepsAnswer = await ask(judged, 'g-eval-steps', { criteria: value });
        const steps = jsonVerdict(stepsAnswer)?.steps;
        if (!Array.isArray(steps) || steps.length === 0 || !steps.every((step) => typeof step === 'string')) {
          throw garbage('g-eval', stepsAnswer, 'JSON {"steps": [...]}');
        }
        const answer = await ask(judged, type, { criteria: value, steps: steps.map((step, i) => `${i + 1}. ${step}`).join('\n'), input: question, output: context.output });
        return parseScoreVerdict(type, answer, 10, assertion.threshold ?? 0.7);
      }
    }
  } catch (error) {
    if (error instanceof JudgeError) return failure(error.message, error.verdict);
    return failure(`${type} failed: ${(error as Error).message}`);
  }
}
