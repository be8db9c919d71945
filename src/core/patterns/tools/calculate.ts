// The `calculate` tool: exact arithmetic over a model's expression, with mathjs, never `eval`.
// A restricted instance, as mathjs's security docs advise (mathjs.org/docs/expressions/security):
// `import`, `createUnit`, `evaluate` and `parse` are replaced by functions that refuse, and the
// parsed expression must use only numbers, arithmetic operators and an allowlist of functions and
// constants (no matrices, units, assignments or function definitions: nothing that can allocate
// without bound). Numbers are BigNumbers (64 significant digits), so 0.1 + 0.2 is 0.3.
import { all, create, type MathNode } from 'mathjs';

/** Longer expressions are refused: arithmetic a model needs fits in far less. */
export const EXPRESSION_LIMIT = 500;
/** Results beyond 10^±1000 are refused: no question needs them, and their digits fill observations. */
export const EXPONENT_LIMIT = 1000;

const math = create(all, { number: 'BigNumber', precision: 64 });
const parse = math.parse;
const refuse = (name: string) => () => { throw new Error(`${name} is not available in calculate`); };
math.import({
  import: refuse('import'), createUnit: refuse('createUnit'), evaluate: refuse('evaluate'), parse: refuse('parse'),
  simplify: refuse('simplify'), derivative: refuse('derivative'), resolve: refuse('resolve'), reviver: refuse('reviver'),
}, { override: true });

const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'mod', 'unaryMinus', 'unaryPlus']);
const FUNCTIONS = new Set(['abs', 'ceil', 'floor', 'round', 'fix', 'sqrt', 'cbrt', 'exp', 'log', 'log10', 'log2', 'pow', 'mod',
  'min', 'max', 'sum', 'mean', 'median', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'gcd', 'lcm', 'sign']);
const CONSTANTS = new Set(['pi', 'e', 'tau', 'phi']);

/** Why the expression may not be evaluated, or undefined when every node is allowed. */
function refusal(root: MathNode): string | undefined {
  let reason: string | undefined;
  root.traverse((node, _path, parent) => {
    if (reason) return;
    switch (node.type) {
      case 'ConstantNode':
      case 'ParenthesisNode':
        return;
      case 'OperatorNode': {
        const { fn, op } = node as unknown as { fn: string; op: string };
        if (!OPERATORS.has(fn)) reason = `the operator '${op}' is not available in calculate`;
        return;
      }
      case 'FunctionNode': {
        const name = (node as unknown as { fn: MathNode & { name?: string } }).fn.name;
        if (!name || !FUNCTIONS.has(name)) reason = `${name ?? 'this'}(…) is not available in calculate`;
        return;
      }
      case 'SymbolNode': {
        const name = (node as unknown as { name: string }).name;
        const isCallee = parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === node;
        if (!isCallee && !CONSTANTS.has(name)) reason = `'${name}' is not a number calculate knows (only numbers and ${[...CONSTANTS].join(', ')})`;
        return;
      }
      default:
        reason = `calculate evaluates arithmetic only (${node.type.replace(/Node$/, '').toLowerCase()} is not allowed)`;
    }
  });
  return reason;
}

type Big = { isFinite(): boolean; isInteger(): boolean; e: number; toFixed(): string; toSignificantDigits(digits: number): { toString(): string } };
const isBig = (value: unknown): value is Big => math.isBigNumber(value);

/** The value of an arithmetic expression as text ("0.3", "48"), or an Error saying why not. */
export function calculate(expression: string): string {
  const text = expression.trim();
  if (!text) throw new Error('calculate needs an expression, e.g. calculate[1937 - 1889]');
  if (text.length > EXPRESSION_LIMIT) throw new Error(`the expression is longer than ${EXPRESSION_LIMIT} characters`);
  let root: MathNode;
  try {
    root = parse(text);
  } catch (error) {
    throw new Error(`cannot read '${text}': ${(error as Error).message}`, { cause: error });
  }
  const reason = refusal(root);
  if (reason) throw new Error(reason);
  const value: unknown = root.evaluate();
  if (!isBig(value)) throw new Error(`the result is not a number (${math.typeOf(value)})`);
  if (!value.isFinite()) throw new Error('the result is not a finite number (division by zero or overflow)');
  if (Math.abs(value.e) > EXPONENT_LIMIT) throw new Error(`the result is beyond 10^${EXPONENT_LIMIT} (an exponent that large is refused)`);
  // Whole numbers in full; others to 20 significant digits (1/3 is 0.33333333333333333333).
  return value.isInteger() && value.e < 64 ? value.toFixed() : value.toSignificantDigits(20).toString();
}
