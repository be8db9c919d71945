// What keeps activation cheap (issue 15, <= 50 ms), as behaviour rather than timings
// (bench/activation.bench.mjs has those, from the real extension host): activate() evaluates the
// shell alone (src/extension/extension.ts and three small modules; dist/extension.js, a few kilobytes)
// yet registers every command the manifest declares; the features and their libraries (openai,
// handlebars, yaml, …) load on first use, a command or an open .prompt, and then replace the
// stand-ins under the same ids. Checked in a child process against a stand-in `vscode`
// (test/support/stubVscodeHost.ts), on tsc's out/ (every module a real require, so the libraries
// show) and on the shipped bundles (dist/extension.js must not pull dist/features.js in).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../../..');
const HOST = path.resolve(__dirname, '../support/stubVscodeHost.js');
const OUT_ENTRY = path.resolve(__dirname, '../../src/extension/extension.js');
const DIST_ENTRY = path.join(root, 'dist/extension.js');
const DECLARED: string[] = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).contributes.commands as { command: string }[]).map((c) => c.command).sort();

/** Packages whose loading costs tens to hundreds of milliseconds. */
const HEAVY = ['openai', 'handlebars', 'yaml', 'dotprompt', 'ajv', 'minisearch', 'mathjs', 'tiktoken', 'csv-parse'];

interface Phase { phase: string; loaded: string[]; commands: string[]; result?: unknown; times?: { loadMs: number; activateMs: number }; error?: string }

async function activateIn(entry: string, firstUse: string): Promise<{ activated: Phase; used: Phase }> {
  const { stdout } = await promisify(execFile)(process.execPath, [HOST, entry, firstUse], { cwd: root, maxBuffer: 8 * 1024 * 1024 })
    .catch((error: { stdout?: string; stderr?: string }) => assert.fail(`the stub host failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`));
  const phases = stdout.trim().split('\n').map((line) => JSON.parse(line) as Phase);
  const [activated, used] = phases;
  assert.equal(activated?.phase, 'activated', stdout);
  assert.equal(used?.phase, 'used', stdout);
  return { activated, used };
}

const relative = (files: string[]) => files.map((file) => path.relative(root, file).split(path.sep).join('/')).sort();
const packagesIn = (files: string[]) => [...new Set(files.flatMap((file) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1] ?? []))];

describe('activation: the shell only, the features on first use', function () {
  this.timeout(60_000);

  it('evaluates its few small modules and no library, registers every declared command, and loads the features with the first command', async () => {
    const { activated, used } = await activateIn(OUT_ENTRY, 'command:promptLab.tokenCount.current');
    assert.deepEqual(relative(activated.loaded), ['out/src/core/promptFiles.js', 'out/src/extension/activationClock.js', 'out/src/extension/disposables.js', 'out/src/extension/extension.js', 'out/src/extension/language/completionTriggers.js']);
    assert.deepEqual([...activated.commands].sort(), DECLARED);
    // The stand-in ran the real command (the status bar's state: no prompt is active).
    assert.deepEqual(used.result, { state: 'hidden' });
    assert.ok(relative(used.loaded).includes('out/src/extension/features.js'));
    // The same observation sees the libraries once the features are loaded.
    const heavy = packagesIn(used.loaded).filter((name) => HEAVY.includes(name));
    for (const name of ['openai', 'handlebars', 'yaml']) assert.ok(heavy.includes(name), `${name} in ${heavy.join(', ')}`);
    // The real commands replaced the stand-ins: the same ids, each registered once.
    assert.deepEqual([...used.commands].sort(), DECLARED);
  });

  it('serves a .prompt open at activation right after activate() returns, not during it', async () => {
    const { activated, used } = await activateIn(OUT_ENTRY, 'prompt-open');
    assert.deepEqual(packagesIn(activated.loaded), []);
    assert.ok(!relative(activated.loaded).includes('out/src/extension/features.js'));
    assert.ok(relative(used.loaded).includes('out/src/extension/features.js'));
    assert.ok(packagesIn(used.loaded).includes('handlebars'), 'the language features parse templates');
    assert.ok(used.times!.loadMs > 0);
  });

  it('ships the shell as dist/extension.js, which loads dist/features.js only on first use', async function () {
    if (!existsSync(DIST_ENTRY)) this.skip();
    const { activated, used } = await activateIn(DIST_ENTRY, 'command:promptLab.tokenCount.current');
    assert.deepEqual(relative(activated.loaded), ['dist/extension.js']);
    assert.deepEqual([...activated.commands].sort(), DECLARED);
    assert.deepEqual(relative(used.loaded), ['dist/extension.js', 'dist/features.js']);
    assert.deepEqual(used.result, { state: 'hidden' });
    // The shell bundles no library: what activation parses stays a few kilobytes (the features: megabytes).
    const kilobytes = statSync(DIST_ENTRY).size / 1024;
    assert.ok(kilobytes < 20, `dist/extension.js is ${kilobytes.toFixed(1)} KB`);
    assert.ok(readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').includes('!dist/features.js'), 'the .vsix ships the features');
  });
});
