// Loaded by the extension host (--extensionTestsPath): runs every *.test.js beside it with mocha.
import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { glob } from 'glob';

/** When the runner names a file (code-server: the extension host's console only reaches the
 * browser, mangled), mocha's report goes there too, and the runner prints it. */
function teeReportTo(file: string | undefined): void {
  if (!file) return;
  const toConsole = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    appendFileSync(file, `${format(...args)}\n`);
    toConsole(...args);
  };
}

export async function run(): Promise<void> {
  teeReportTo(process.env.PROMPT_LAB_TEST_REPORT);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000 });
  // While working on one feature: PROMPT_LAB_IT_FILES=run/probabilities runs only the files whose path has it.
  const only = process.env.PROMPT_LAB_IT_FILES;
  const files = (await glob('**/*.test.js', { cwd: __dirname })).filter((file) => !only || file.includes(only));
  for (const file of files.sort()) mocha.addFile(path.resolve(__dirname, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
