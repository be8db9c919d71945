// Starts code-server (a real VS Code: workbench in the browser, real Node extension host) from the
// test host provisioned by scripts/provision-test-host.sh, isolated in a temporary folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const HOST_ROOT = process.env.PROMPT_LAB_HOST_ROOT ?? path.join(os.homedir(), '.cache', 'prompt-lab', 'vscode-host');
export const NODE24 = path.join(HOST_ROOT, 'node24', 'node_modules', '.bin', 'node');
export const CODE_SERVER = path.join(HOST_ROOT, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export interface CodeServer {
  url: string;
  /** Everything code-server printed, for failure reports. */
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A scratch folder with code-server's user data, extensions, config and temp files inside. */
export function isolatedDirs(settings: Record<string, unknown> = {}): { root: string; args: string[]; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'prompt-lab-cs-'));
  for (const dir of ['data/User', 'data/Machine', 'ext', 'config', 'cache', 'tmp']) mkdirSync(path.join(root, dir), { recursive: true });
  // A quiet workbench: no chat side bar or welcome page taking the room the panel is shown in.
  const userSettings = JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    ...settings,
  }, null, 2);
  writeFileSync(path.join(root, 'data/User/settings.json'), userSettings);
  // code-server's window is a remote one: machine-scoped settings (a model's path) are read from
  // the remote machine's settings, not the user's.
  writeFileSync(path.join(root, 'data/Machine/settings.json'), JSON.stringify(settings, null, 2));
  return {
    root,
    args: ['--user-data-dir', path.join(root, 'data'), '--extensions-dir', path.join(root, 'ext')],
    // Without these code-server writes into the home folder and the shared /tmp.
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(root, 'config'),
      XDG_DATA_HOME: path.join(root, 'data'),
      XDG_CACHE_HOME: path.join(root, 'cache'),
      TMPDIR: path.join(root, 'tmp'),
      VSCODE_PROXY_URI: '',
    },
  };
}

export async function startCodeServer(extraArgs: string[], dirs = isolatedDirs()): Promise<CodeServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(NODE24, [CODE_SERVER, ...dirs.args, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...extraArgs],
  // Its own process group, so stop() ends the server, the extension host and the pty host together.
  { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: dirs.env });
  let output = '';
  child.stdout?.on('data', (chunk) => { output += chunk; });
  child.stderr?.on('data', (chunk) => { output += chunk; });
  const deadline = Date.now() + 60_000;
  while (!/HTTP server listening/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      throw new Error(`code-server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      rmSync(dirs.root, { recursive: true, force: true });
    },
  };
}
