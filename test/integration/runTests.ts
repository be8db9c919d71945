// Runs the integration suites in a real VS Code through @vscode/test-electron's runTests.
// Where desktop VS Code can be downloaded this is the stock path; on machines without that (offline,
// this project's CI) test/host/code-shim stands in for the executable and runs code-server instead.
// PROMPT_LAB_TEST_VSCODE=stock|code-server forces one; by default code-server is used when provisioned.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { CODE_SERVER } from '../host/codeServer';
import { clearFixtureHistory } from '../support/fixtureHistory';

const root = path.resolve(__dirname, '../../..');

async function main(): Promise<void> {
  // The suites run prompts of the test workspace: their records land in its history.
  clearFixtureHistory();
  const mode = process.env.PROMPT_LAB_TEST_VSCODE ?? (existsSync(CODE_SERVER) ? 'code-server' : 'stock');
  await runTests({
    ...(mode === 'code-server' ? { vscodeExecutablePath: path.join(root, 'test/host/code-shim') } : {}),
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'index.js'),
    launchArgs: [path.join(root, 'test/fixtures/workspace'), '--disable-extensions'],
  });
}

main().catch((error: unknown) => {
  console.error(`Integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
