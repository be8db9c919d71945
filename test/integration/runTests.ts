// Runs the integration suites in a real VS Code through @vscode/test-electron's runTests.
// Where desktop VS Code can be downloaded this is the stock path; on machines without that (offline,
// this project's CI) test/host/code-shim stands in for the executable and runs code-server instead.
// PROMPT_LAB_TEST_VSCODE=stock|code-server forces one; by default code-server is used when provisioned.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { CODE_SERVER } from '../host/codeServer';
import { clearFixtureHistory } from '../support/fixtureHistory';
import { TEST_EXTENSIONS, TEST_EXTENSIONS_ENV } from '../host/testExtensions';

const root = path.resolve(__dirname, '../../..');

async function main(): Promise<void> {
  // The suites run prompts of the test workspace: their records land in its history.
  clearFixtureHistory();
  const mode = process.env.PROMPT_LAB_TEST_VSCODE ?? (existsSync(CODE_SERVER) ? 'code-server' : 'stock');
  // The test extensions (chat models for the vscode-lm suite) load beside Prompt Lab: desktop VS Code
  // takes more development paths; code-server's runner installs them (test/host/testExtensions.ts).
  await runTests({
    ...(mode === 'code-server' ? { vscodeExecutablePath: path.join(root, 'test/host/code-shim') } : {}),
    extensionDevelopmentPath: mode === 'code-server' ? root : [root, ...TEST_EXTENSIONS],
    extensionTestsEnv: { [TEST_EXTENSIONS_ENV]: TEST_EXTENSIONS.join(path.delimiter) },
    extensionTestsPath: path.join(__dirname, 'index.js'),
    launchArgs: [path.join(root, 'test/fixtures/workspace'), '--disable-extensions'],
  });
}

main().catch((error: unknown) => {
  console.error(`Integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
