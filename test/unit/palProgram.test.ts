// PAL's program runner: the completion's code found and run in the QuickJS sandbox, never in Node.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { findCode, runProgram } from '../../src/core/patterns/program';

describe('PAL: finding the program in a completion', () => {
  it('takes a ```js or ```javascript block before an unlabelled one, and ignores other languages', () => {
    assert.deepEqual(findCode('Here:\n```\nx\n```\nand\n```javascript\nconst answer = 1;\n```\n'), { code: 'const answer = 1;', from: 'block' });
    assert.deepEqual(findCode('```js\nlet a = 2\n```'), { code: 'let a = 2', from: 'block' });
    assert.deepEqual(findCode('So:\n```\nanswer = 3\n```'), { code: 'answer = 3', from: 'block' });
    assert.equal(findCode('```python\nanswer = 3\n```'), undefined);
    // A block the stop sequence cut before its closing fence is still the block.
    assert.deepEqual(findCode('```js\nconst answer = 4;\n'), { code: 'const answer = 4;\n', from: 'block' });
    assert.deepEqual(findCode('const answer = 5;'), { code: 'const answer = 5;', from: 'text' });
    // The prompt opened the fence; the completion closes it (a backend that ignored the stop sequence).
    assert.deepEqual(findCode('const answer = 6;\n```\nThat is the program.'), { code: 'const answer = 6;\n', from: 'text' });
    assert.equal(findCode('  \n'), undefined);
  });
});

describe('PAL: running the program in the sandbox', function () {
  this.timeout(20_000);

  it('answers with the global `answer` (a const too), and captures console output', async () => {
    const trace = await runProgram('```js\nconst eggs = 18 - 6;\nconsole.log("cartons", eggs / 6, { a: [1] });\nconsole.error("careful");\nconst answer = eggs / 6 * 3 * 7;\n```');
    assert.equal(trace.answer, '42');
    assert.deepEqual(trace.console, ['cartons 2 {"a":[1]}', 'error: careful']);
    assert.equal(trace.error, undefined);
    assert.match(trace.code!, /const answer = eggs/);
  });

  it('falls back to the last expression, and shows objects as JSON', async () => {
    assert.equal((await runProgram('const a = 6;\na * 7')).answer, '42');
    assert.equal((await runProgram('```js\n({ total: 3, items: ["x"] })\n```')).answer, '{"total":3,"items":["x"]}');
    const none = await runProgram('```js\nconst x = 1;\n```');
    assert.equal(none.answer, undefined);
    assert.match(none.error!, /no `answer`/);
  });

  it('runs promise callbacks the program queued', async () => {
    assert.equal((await runProgram('```js\nvar answer = 0;\nPromise.resolve(41).then((v) => { answer = v + 1; });\n```')).answer, '42');
  });

  it('stops a program that runs forever', async () => {
    const started = Date.now();
    const trace = await runProgram('```js\nwhile (true) {}\n```', { timeMs: 200 });
    assert.match(trace.error!, /ran longer than 200 ms and was stopped/);
    assert.ok(Date.now() - started < 5000);
  });

  it('stops a program that allocates 1 GB', async () => {
    const trace = await runProgram('```js\nconst big = new ArrayBuffer(1024 * 1024 * 1024);\nconst answer = big.byteLength;\n```');
    assert.match(trace.error!, /used more than 32 MB and was stopped/);
    // One native call that fills 32 MB (0.4 s here): no interrupt fires during it, so on a loaded
    // machine the worker's hard deadline (limit + grace) may end it first.
    const arrays = await runProgram('```js\nconst answer = new Array(1e9).fill(0).length;\n```');
    assert.match(arrays.error!, /used more than 32 MB and was stopped|ran longer than 1000 ms and was stopped/);
  });

  it('has no require, process, fetch or file system: a ReferenceError, nothing reaches Node', async () => {
    const marker = `${process.cwd()}/pal-escape-${process.pid}`;
    for (const code of [`require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`, 'process.exit(3)', "fetch('http://127.0.0.1:1/')", 'import("fs")']) {
      const trace = await runProgram('```js\n' + code + '\n```');
      assert.ok(trace.error, code);
      assert.equal(trace.answer, undefined, code);
      if (code.startsWith('import')) assert.match(trace.error!, /could not load module|fs/, code);
      else assert.match(trace.error!, /ReferenceError: '?(require|process|fetch)'? is not defined/, code);
    }
    assert.equal(typeof globalThis.process.exit, 'function');
    assert.equal(existsSync(marker), false);
    // The host's objects are not reachable through the sandbox's globals either.
    assert.equal((await runProgram('typeof globalThis.__print + typeof globalThis.__show + typeof globalThis.__last')).answer, 'undefinedundefinedundefined');
  });

  it('says so when there is no code, or the text is prose', async () => {
    assert.match((await runProgram('')).error!, /no JavaScript code block/);
    assert.match((await runProgram('```python\nanswer = 1\n```')).error!, /no JavaScript code block/);
    const prose = await runProgram('The answer is 42 eggs.');
    assert.match(prose.error!, /no code block and is not JavaScript \(SyntaxError/);
    assert.equal(prose.code, 'The answer is 42 eggs.');
  });

  it('caps console output', async () => {
    const trace = await runProgram('```js\nfor (let i = 0; i < 1000; i++) console.log("line " + i);\nconst answer = "done";\n```');
    assert.equal(trace.console.length, 101);
    assert.equal(trace.console[100], '… 900 more console lines not kept');
    assert.equal(trace.answer, 'done');
  });
});
