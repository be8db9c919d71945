// The CLI run in this process, its output captured: what the command-line tests share.
import { runCli } from '../../src/cli/main';

export interface CliOutcome { code: number; stdout: string; stderr: string }

export async function cli(...argv: string[]): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
  return { code, stdout, stderr };
}
