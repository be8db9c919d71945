// node-llama-cpp is never bundled, and the .vsix carries it in node_modules with the linux-x64 CPU
// build only: what `vsce ls` (the file list `vsce package` packs) says, from .vscodeignore.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../../..');

describe('local backend packaging', function () {
  this.timeout(60000);

  it('keeps node-llama-cpp out of the bundles; only the model host loads it', function () {
    if (!existsSync(path.join(root, 'dist/localModelHost.js'))) this.skip();
    for (const bundle of ['dist/extension.js', 'dist/features.js', 'dist/cli.js']) {
      const text = readFileSync(path.join(root, bundle), 'utf8');
      assert.doesNotMatch(text, /node-llama-cpp|getLlama/, bundle);
    }
    assert.match(readFileSync(path.join(root, 'dist/localModelHost.js'), 'utf8'), /require\.resolve\("node-llama-cpp"\)/);
  });

  it('keeps mathjs in dist/calculate.js, loaded when an agent first calculates, out of what every start parses', function () {
    if (!existsSync(path.join(root, 'dist/calculate.js'))) this.skip();
    for (const bundle of ['dist/features.js', 'dist/cli.js']) {
      const text = readFileSync(path.join(root, bundle), 'utf8');
      assert.doesNotMatch(text, /node_modules\/mathjs\//, bundle);
      assert.match(text, /require\("\.\/calculate\.js"\)/, bundle);
      // handlebars' source-map library is left out too (esbuild.mjs, noSourceMap): it only precompiles.
      assert.doesNotMatch(text, /SourceMapGenerator/, bundle);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle, as cli.js loads it
    const { calculate } = require(path.join(root, 'dist/calculate.js')) as typeof import('../../src/core/patterns/tools/calculate');
    assert.equal(calculate('0.1 + 0.2'), '0.3');
  });

  it('ships node-llama-cpp with the linux-x64 CPU build only, at a reasonable size', async () => {
    const vsce = path.join(root, 'node_modules/.bin/vsce');
    const { stdout } = await promisify(execFile)(vsce, ['ls'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean);
    for (const needed of [
      'dist/extension.js', 'dist/features.js', 'dist/localModelHost.js', 'node_modules/node-llama-cpp/package.json', 'node_modules/node-llama-cpp/dist/index.js',
      'node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node', 'node_modules/lifecycle-utils/package.json', 'dist/calculate.js', 'dist/encoders/o200k_base.bpe', 'dist/encoders/cl100k_base.bpe',
    ]) assert.ok(files.includes(needed), needed);
    const platforms = new Set(files.filter((f) => f.startsWith('node_modules/@node-llama-cpp/')).map((f) => f.split('/')[2]));
    assert.deepEqual([...platforms], ['linux-x64']);
    for (const unwanted of [/gitRelease\.bundle$/, /^node_modules\/(typescript|openai|tiktoken|dotprompt|@vscode|mathjs|decimal\.js|typed-function)\//, /\.map$/]) {
      assert.deepEqual(files.filter((f) => unwanted.test(f)), [], String(unwanted));
    }
    const megabytes = files.reduce((sum, f) => sum + statSync(path.join(root, f)).size, 0) / 1024 / 1024;
    assert.ok(megabytes < 60, `${megabytes.toFixed(1)} MB unpacked`);
  });
});
