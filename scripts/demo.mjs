// `npm run demo`: the README's main job from a fresh clone with nothing beside it: installs the
// npm packages if they are missing, bundles, and compares the story sample across temperatures on
// the model in the box (models/stories260K.gguf): no key, no download, no ../shared.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(what, command, args) {
  console.error(`[demo] ${what}: ${[command, ...args].join(' ')}`);
  const { status, error } = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (error || status !== 0) {
    console.error(`[demo] ${what} failed${error ? `: ${error.message}` : ` (exit ${status})`}`);
    process.exit(status || 1);
  }
}

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  step('install the npm packages', npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}
step('bundle', process.execPath, ['esbuild.mjs']);
// No --model-path and no PROMPT_LAB_MODEL: the local backend runs the model in the box, and says so.
const env = { ...process.env };
delete env.PROMPT_LAB_MODEL;
console.error('[demo] compare: node dist/cli.js compare prompts/continue-story.prompt');
const { status } = spawnSync(process.execPath, ['dist/cli.js', 'compare', 'prompts/continue-story.prompt', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
process.exit(status ?? 1);
