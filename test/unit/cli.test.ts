import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { CliCommand } from '../../src/cli/commands';
import { runCli } from '../../src/cli/main';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

async function run(argv: string[], commands?: CliCommand[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, '9.8.7', commands);
  return { code, stdout, stderr };
}

describe('CLI', () => {
  it('prints usage with exit 0 for --help, -h, help and no arguments', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], []]) {
      const { code, stdout, stderr } = await run(argv);
      assert.equal(code, 0);
      assert.match(stdout, /^Usage: prompt-lab <command> \[options\]/);
      assert.equal(stderr, '');
    }
  });

  it('prints the version', async () => {
    assert.deepEqual(await run(['--version']), { code: 0, stdout: '9.8.7\n', stderr: '' });
    assert.equal((await run(['-v'])).stdout, '9.8.7\n');
  });

  it('rejects an unknown command or option with exit 2 and a hint on stderr', async () => {
    const command = await run(['rnu']);
    assert.equal(command.code, 2);
    assert.equal(command.stdout, '');
    assert.match(command.stderr, /unknown command 'rnu'.*prompt-lab --help/);
    assert.match((await run(['--frobnicate'])).stderr, /unknown option '--frobnicate'/);
  });

  it('lists subcommands and hands them their arguments', async () => {
    const calls: string[][] = [];
    const echo: CliCommand = { name: 'echo', summary: 'Echo arguments', usage: 'Usage: echo', run: async (args, io) => { calls.push(args); io.stdout(args.join(' ')); return 1; } };
    assert.match((await run(['--help'], [echo])).stdout, /\n {2}echo {6}Echo arguments\n/);
    assert.deepEqual(await run(['echo', 'a', '--b'], [echo]), { code: 1, stdout: 'a --b', stderr: '' });
    assert.deepEqual(calls, [['a', '--b']]);
  });

  describe('the bundled executable (package.json bin)', () => {
    const bin = path.join(root, pkg.bin['prompt-lab']!);
    const exec = promisify(execFile);

    it('runs by its shebang and prints package.json\'s version', async () => {
      const { stdout } = await exec(bin, ['--version']);
      assert.equal(stdout, `${pkg.version}\n`);
    });

    it('exits 2 on bad usage', async () => {
      await assert.rejects(exec(bin, ['nope']), (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2);
        assert.match(error.stderr, /unknown command 'nope'/);
        return true;
      });
    });
  });
});
