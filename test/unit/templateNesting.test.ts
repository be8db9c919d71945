// The nesting pass (templateNesting.ts) against Handlebars itself: on random templates made of
// blocks, else-chains, inverse and partial blocks, sub-expressions and everything that looks like a
// block but is not (comments, strings, [segments], escaped and raw mustaches), its depth must equal
// the depth of the AST Handlebars builds. And a template too deep is refused where it goes too deep,
// while one exactly at the limit parses, compiles and renders.
import * as assert from 'node:assert/strict';
import Handlebars from 'handlebars';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { parseHandlebars } from '../../src/core/check/handlebarsParse';
import { findTooDeep, MAX_TEMPLATE_NESTING } from '../../src/core/check/templateNesting';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { renderPrompt } from '../../src/core/render';
import { seededRandom } from '../support/seededRandom';

/** The deepest nesting in Handlebars' AST: blocks (an `{{else x}}` chain is a block inside the
 * inverse) and sub-expressions, counted as the pass counts them. */
function astDepth(node: unknown, level: number): number {
  if (typeof node !== 'object' || node === null) return level;
  const n = node as { type: string; [key: string]: unknown };
  const expressions = (at: number, ...items: unknown[]) => Math.max(at, ...items.flatMap((item) => {
    if (Array.isArray(item)) return item.map((x) => astDepth(x, at));
    return [astDepth(item, at)];
  }));
  const hashValues = (hash: unknown) => ((hash as { pairs?: { value: unknown }[] } | undefined)?.pairs ?? []).map((pair) => pair.value);
  switch (n.type) {
    case 'Program':
      return Math.max(level, ...(n.body as unknown[]).map((statement) => astDepth(statement, level)));
    case 'BlockStatement':
    case 'DecoratorBlock':
    case 'PartialBlockStatement': {
      const inner = level + 1;
      return Math.max(inner, expressions(inner, n.path, n.name, n.params, hashValues(n.hash)), astDepth(n.program, inner), astDepth(n.inverse, inner));
    }
    case 'MustacheStatement':
    case 'Decorator':
    case 'PartialStatement':
      return expressions(level, n.path, n.name, n.params, hashValues(n.hash));
    case 'SubExpression':
      return expressions(level + 1, n.path, n.params, hashValues(n.hash));
    default:
      return level;
  }
}

/** Pieces between the blocks: look-alikes that must not count, and sub-expressions that must. */
const PIECES = [
  '{{elsewhere}}', '{{x (a (b (c d)))}}', '{{x k=(a b)}}', '{{> p (a b) k=(c)}}', '{{> (whichPartial) }}', '{{*dec}}', '{{&x}}', '{{{x}}}',
  '{{x "}}{{#if a}}"}}', "{{x '{{/if}}' }}", '{{x "(((("}}', '{{[a}}{{#b]}}', '{{[((]}}', '{{x "\\"(("}}',
  '{{!-- {{#if a}} {{/if}} --}}', '{{!-- x --~}}', '{{! {{#if a}} }}', '{{!}}',
  '\\{{#if a}}', '\\{{/if}}', 'a\\{{x}}b', '\\{{{{raw}}}}',
  '{{{{raw}}}}{{#if a}}{{{{/raw}}}}', '{{{{raw}}}}{{{{x}}}}{{/if}}{{{{/x}}}}{{{{/raw}}}}', '{{{{raw}}}} {{{{/raw}}}}',
  'text ', '\n', '{{x}}', '{{@index}}', '{{../up}}',
];
/** Pieces that usually break the template: the pass must not throw on them, nor count past them. */
const JUNK = ['(', ')', '}}', '{{', '"', "'", '[', '{{else}}', '{{^}}', '{{/if}}', '\\\\{{#if a}}', '{{{{', '}}}}', '{{!', '{{!--', '{{else if x}}'];


/** A random template that mostly parses: openers are closed by their own closer in order. */
function randomTemplate(next: () => number): string {
  const parts: string[] = [];
  const open: string[] = [];
  const count = 1 + Math.floor(next() * 30);
  for (let k = 0; k < count; k++) {
    const roll = next();
    if (roll < 0.25) {
      const [opener, closer] = [['{{#if a}}', '{{/if}}'], ['{{~#each (x y) as |i|~}}', '{{~/each~}}'], ['{{^a}}', '{{/a}}'], ['{{#> p}}', '{{/p}}'], ['{{#*inline "q"}}', '{{/inline}}'], ['{{#with (a (b))}}', '{{/with}}']][Math.floor(next() * 6)]!;
      parts.push(opener);
      open.push(closer);
    } else if (roll < 0.4 && open.length > 0) {
      parts.push(open.pop()!);
    } else if (roll < 0.47 && open.length > 0 && open[open.length - 1] === '{{/if}}') {
      parts.push(next() < 0.5 ? '{{else if (b c)}}' : '{{else}}');
    } else if (roll < 0.5) {
      parts.push(JUNK[Math.floor(next() * JUNK.length)]!);
    } else {
      parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
    }
  }
  // Usually closed (valid), sometimes left open (a syntax error the pass must not throw on).
  if (next() < 0.85) while (open.length > 0) parts.push(open.pop()!);
  return parts.join('');
}

describe('template nesting', () => {
  it('counts as deep as the AST Handlebars builds, on 4,000 random templates', () => {
    const next = seededRandom(15);
    let parsed = 0;
    let deepest = 0;
    for (let k = 0; k < 4000; k++) {
      const template = randomTemplate(next);
      let ast: hbs.AST.Program;
      try {
        ast = Handlebars.parse(template);
      } catch {
        findTooDeep(template, 0); // must not throw on what Handlebars refuses
        continue;
      }
      parsed += 1;
      const depth = astDepth(ast, 0);
      deepest = Math.max(deepest, depth);
      assert.equal(findTooDeep(template, depth), undefined, `depth ${depth} is within ${depth}: ${JSON.stringify(template)}`);
      if (depth > 0) assert.ok(findTooDeep(template, depth - 1), `depth ${depth} is past ${depth - 1}: ${JSON.stringify(template)}`);
    }
    // The random templates must exercise the comparison: most parse, and some nest deeply.
    assert.ok(parsed > 1000, `${parsed} of 4000 parsed`);
    assert.ok(deepest >= 6, `deepest ${deepest}`);
  });

  it('refuses the opener that goes past the limit, on its line and column', () => {
    const ifs = `{{#if a}}\n${'{{#if a}}'.repeat(MAX_TEMPLATE_NESTING)}x${'{{/if}}'.repeat(MAX_TEMPLATE_NESTING + 1)}`;
    const found = findTooDeep(ifs);
    assert.deepEqual(found, { start: 10 + 9 * (MAX_TEMPLATE_NESTING - 1), end: 10 + 9 * (MAX_TEMPLATE_NESTING - 1) + 3, limit: MAX_TEMPLATE_NESTING });
    const parsed = parseHandlebars(ifs);
    assert.ok('error' in parsed);
    assert.equal(parsed.error.line, 2);
    assert.equal(parsed.error.column, 9 * (MAX_TEMPLATE_NESTING - 1));
    assert.match(parsed.error.message, /nest more than 1000 deep/);
    // Sub-expressions count with the blocks around them; an else-chain adds a level per link.
    assert.ok(findTooDeep(`{{#if a}}{{x ${'(a '.repeat(MAX_TEMPLATE_NESTING)}b${')'.repeat(MAX_TEMPLATE_NESTING)}}}{{/if}}`));
    assert.equal(findTooDeep(`{{x ${'(a '.repeat(MAX_TEMPLATE_NESTING)}b${')'.repeat(MAX_TEMPLATE_NESTING)}}}`), undefined);
    assert.ok(findTooDeep(`{{#if a}}${'{{else if b}}'.repeat(MAX_TEMPLATE_NESTING)}{{/if}}`));
    // Unclosed blocks are refused as soon as they are too deep, before Handlebars reads to the end.
    assert.ok(findTooDeep(`${'{{#each a}}'.repeat(10 * MAX_TEMPLATE_NESTING)}x`));
    // What only looks like blocks is not counted.
    const lookAlikes = ['{{!-- {{#if a}} --}}', '\\{{#if a}}', '{{x "{{#if a}}"}}', '{{[{{#if]}}', '{{{{raw}}}}{{#if a}}{{{{/raw}}}}'];
    for (const text of lookAlikes) assert.equal(findTooDeep(text.repeat(2 * MAX_TEMPLATE_NESTING)), undefined, text);
  });

  it('renders a prompt nested exactly to the limit, blocks, else-chains and sub-expressions alike', async () => {
    const deep = MAX_TEMPLATE_NESTING;
    const templates: [string, string][] = [
      ['if', `${'{{#if a}}'.repeat(deep)}deep${'{{/if}}'.repeat(deep)}`],
      ['each', `${'{{#each list}}'.repeat(deep)}deep${'{{/each}}'.repeat(deep)}`],
      ['else-if', `{{#if z}}no${'{{else if a}}'.repeat(deep - 1)}deep{{/if}}`],
      ['lookup', `{{lookup ${'(lookup '.repeat(deep)}this${' "b")'.repeat(deep)} "b"}}`],
    ];
    for (const [name, body] of templates) {
      const text = `---\ninput:\n  default: { a: true, z: false, list: [[[[x]]]], b: {} }\n---\n${body}`;
      const checked = await checkPrompt(text, memoryEnvironment());
      assert.ok(checked.ok, `${name}: ${JSON.stringify(checked.diagnostics.filter((d) => d.severity === 'error').slice(0, 2))}`);
      await renderPrompt(text, memoryEnvironment());
      const tooDeep = `---\ninput:\n  default: { a: true }\n---\n{{#if a}}${body}{{/if}}`;
      const refused = await checkPrompt(tooDeep, memoryEnvironment());
      assert.deepEqual(refused.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['template-syntax'], name);
    }
  });
});
