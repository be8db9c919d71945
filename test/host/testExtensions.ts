// Extensions the integration layer loads beside Prompt Lab (test/fixtures/lm-provider: chat models
// for the vscode-lm backend). code-server takes one extensionDevelopmentPath, so each is packaged
// into a .vsix in the run's scratch folder (vsce, offline) and installed with
// `code-server --install-extension` into the run's own extensions folder before the workbench
// starts. The e2e layer never calls this: its profiles stay fresh.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER, NODE24, type isolatedDirs } from './codeServer';

const ROOT = path.resolve(__dirname, '../../..');
/** The folders of the test extensions, as runTests passes them on (PROMPT_LAB_TEST_EXTENSIONS). */
export const TEST_EXTENSIONS = [path.join(ROOT, 'test/fixtures/lm-provider')];
export const TEST_EXTENSIONS_ENV = 'PROMPT_LAB_TEST_EXTENSIONS';

/** Packages and installs each extension folder; returns their ids (`publisher.name`). */
export function installTestExtensions(folders: readonly string[], dirs: ReturnType<typeof isolatedDirs>): string[] {
  const vsce = require.resolve('@vscode/vsce/vsce', { paths: [ROOT] });
  return folders.map((folder) => {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    const id = `${manifest.publisher}.${manifest.name}`;
    // A copy: vsce never writes next to the fixture.
    const copy = path.join(dirs.root, 'test-extensions', id);
    mkdirSync(path.dirname(copy), { recursive: true });
    cpSync(folder, copy, { recursive: true });
    const vsix = `${copy}-${manifest.version}.vsix`;
    const run = (command: string, args: string[], cwd?: string) => {
      try {
        execFileSync(command, args, { cwd, env: dirs.env, stdio: 'pipe' });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`installing the test extension ${id} failed: ${path.basename(args[0] ?? command)} ${args.slice(1).join(' ')}\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`, { cause: error });
      }
    };
    run(process.execPath, [vsce, 'package', '--skip-license', '--allow-missing-repository', '--no-dependencies', '--out', vsix], copy);
    run(NODE24, [CODE_SERVER, ...dirs.args, '--install-extension', vsix]);
    return id;
  });
}
