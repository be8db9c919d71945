// Runs extension tests (mocha inside code-server's real extension host), the way desktop VS Code runs
// them for @vscode/test-electron. code-server has no --extensionDevelopmentPath flag, so the
// workbench is opened in Chromium with the same options in its `payload` query parameter, and the
// smoke-test driver's `codeAutomationExit(code)` hook reports mocha's result. Extensions the tests
// need beside it (PROMPT_LAB_TEST_EXTENSIONS) are installed into the run's extensions folder first.
// Usage: node runInCodeServer.js <extensionDevelopmentPath> <extensionTestsPath> [folder]
import * as path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { launchChromium } from '../support/chromium';
import { isolatedDirs, startCodeServer } from './codeServer';
import { installTestExtensions, TEST_EXTENSIONS_ENV } from './testExtensions';

// The whole integration run (about 2 minutes on an idle machine, 50 suites); generous for a loaded one.
const TIMEOUT_MS = Number(process.env.PROMPT_LAB_IT_TIMEOUT ?? 600_000);

/** Prints what is appended to `file` as it arrives, and the rest on stop(). */
function tailFile(file: string): { stop(): void } {
  let printed = 0;
  const flush = () => {
    const text = readFileSync(file, 'utf8');
    process.stdout.write(text.slice(printed));
    printed = text.length;
  };
  const timer = setInterval(flush, 250);
  return { stop: () => { clearInterval(timer); flush(); } };
}

async function main(): Promise<number> {
  const [devPath, testsPath, folder = devPath] = process.argv.slice(2).map((p) => p && path.resolve(p));
  if (!devPath || !testsPath) throw new Error('usage: runInCodeServer <extensionDevelopmentPath> <extensionTestsPath> [folder]');
  const dirs = isolatedDirs();
  // The test extensions runTests names (the one development path code-server takes is Prompt Lab).
  const extensions = (process.env[TEST_EXTENSIONS_ENV] ?? '').split(path.delimiter).filter(Boolean);
  if (extensions.length > 0) console.log(`runInCodeServer: installed ${installTestExtensions(extensions, dirs).join(', ')}`);
  // The extension host inherits code-server's environment: the test index writes mocha's report here.
  const report = path.join(dirs.root, 'report.txt');
  writeFileSync(report, '');
  dirs.env.PROMPT_LAB_TEST_REPORT = report;
  const server = await startCodeServer(['--vscode-option', 'enable-smoke-test-driver'], dirs);
  const tail = tailFile(report);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const exited = new Promise<number>((resolve) => { void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)); });
    if (process.env.PROMPT_LAB_IT_VERBOSE) page.on('console', (message) => console.log('[workbench]', message.text()));
    const authority = new URL(server.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${devPath}`],
      ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
    ];
    // Only until the page is on its way: the result (or TIMEOUT_MS) is what is waited for, and a busy
    // machine can take longer than Playwright's 30 s default to fire `load`.
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder!)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'commit', timeout: TIMEOUT_MS });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`runInCodeServer: no result after ${TIMEOUT_MS} ms\n${server.output().slice(-4000)}`);
        resolve(2);
      }, TIMEOUT_MS);
    });
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    return code;
  } finally {
    tail.stop();
    await browser.close();
    await server.stop();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(3);
});
