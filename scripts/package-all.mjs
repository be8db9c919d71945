#!/usr/bin/env node
// One .vsix per platform, each with node-llama-cpp's prebuilt CPU binary for that platform only
// (DESIGN.md, Packaging). npm installs only this machine's binaries, so each target is packed from
// a staging folder: the built extension, the production node_modules (hard links where possible)
// without any @node-llama-cpp/* package, and the target's package, from node_modules when it is
// installed, else `npm pack`ed from the registry. Every .vsix is then opened and checked: all the
// native code in it is its target's (by the binaries' own headers), and nothing else's.
//   node scripts/package-all.mjs                      the default targets, into out/packages/
//   node scripts/package-all.mjs linux-arm64 …        only these
//   --out <dir>  where the .vsix files go; --no-build  use dist/ as it is
import { execFile as execFileCb, spawnSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);
const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** VS Code's target → node-llama-cpp's prebuilt CPU package, and what its binaries must be. On
 * Apple silicon the one prebuilt build is Metal's (it runs on the CPU too). */
export const TARGETS = {
  'linux-x64': { pkg: 'linux-x64', format: 'elf', machine: 'x64' },
  'linux-arm64': { pkg: 'linux-arm64', format: 'elf', machine: 'arm64' },
  'linux-armhf': { pkg: 'linux-armv7l', format: 'elf', machine: 'arm' },
  'darwin-arm64': { pkg: 'mac-arm64-metal', format: 'macho', machine: 'arm64' },
  'darwin-x64': { pkg: 'mac-x64', format: 'macho', machine: 'x64' },
  'win32-x64': { pkg: 'win-x64', format: 'pe', machine: 'x64' },
  'win32-arm64': { pkg: 'win-arm64', format: 'pe', machine: 'arm64' },
};
export const DEFAULT_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64'];

/** Files of the extension itself that the .vsix takes (.vscodeignore says which, precisely). */
const OWN = ['package.json', 'package-lock.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'dist', 'syntaxes', 'language-configuration.json', 'media', 'prompts', 'models', 'snippets'];
const BINARY = /\.(node|so(\.\d+)*|dylib|dll|exe)$/i;

/** The format and machine of a native binary, read from its header. */
export function binaryKind(bytes) {
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    const machine = bytes.readUInt16LE(18);
    return { format: 'elf', machine: { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm', 0xf3: 'riscv64' }[machine] ?? `elf-${machine}` };
  }
  const magic = bytes.readUInt32LE(0);
  if (magic === 0xfeedfacf) {
    const cpu = bytes.readUInt32LE(4);
    return { format: 'macho', machine: { 0x01000007: 'x64', 0x0100000c: 'arm64' }[cpu] ?? `macho-${cpu}` };
  }
  if (bytes.readUInt32BE(0) === 0xcafebabe) return { format: 'macho', machine: 'universal' };
  if (bytes.readUInt16LE(0) === 0x5a4d) {
    const pe = bytes.readUInt32LE(0x3c);
    const machine = bytes.readUInt16LE(pe + 4);
    return { format: 'pe', machine: { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'x86' }[machine] ?? `pe-${machine}` };
  }
  return { format: 'unknown', machine: 'unknown' };
}

/** The .vsix's file names (zipinfo). */
export async function vsixEntries(vsix) {
  const { stdout } = await execFile('zipinfo', ['-1', vsix], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((name) => name && !name.endsWith('/'));
}

/** What is wrong with the native code in `vsix` for `target`: binaries of another platform, in
 * another @node-llama-cpp package, or none of its own. Empty when it is right. */
export async function nativeCodeProblems(vsix, target) {
  const want = TARGETS[target];
  const entries = await vsixEntries(vsix);
  const problems = [];
  const binaries = entries.filter((name) => BINARY.test(name));
  const own = `extension/node_modules/@node-llama-cpp/${want.pkg}/`;
  for (const name of entries.filter((entry) => entry.startsWith('extension/node_modules/@node-llama-cpp/') && !entry.startsWith(own))) problems.push(`${name}: another platform's package`);
  if (!binaries.some((name) => name.startsWith(own) && name.endsWith('.node'))) problems.push(`no llama-addon.node of ${want.pkg}`);
  for (const name of binaries) {
    const { stdout } = await execFile('unzip', ['-p', vsix, name], { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 });
    const kind = binaryKind(stdout);
    if (kind.format !== want.format || kind.machine !== want.machine) problems.push(`${name}: ${kind.format}/${kind.machine}, not ${want.format}/${want.machine}`);
  }
  return problems;
}

/** Hard links when the file system allows them (fast, no space), copies otherwise. */
function linkTree(from, to) {
  const stat = statSync(from);
  if (stat.isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) linkTree(path.join(from, entry), path.join(to, entry));
    return;
  }
  try {
    linkSync(from, to);
  } catch {
    cpSync(from, to);
  }
}

/** The top-level packages of the lock file that are installed, but node-llama-cpp's platform
 * builds: with the lock file beside them, `npm ls --production` (what vsce asks for the files to
 * pack) sees the tree it sees here, and .vscodeignore picks the production files out of it. A
 * package in node_modules the lock file does not know (extraneous) is left out. */
function lockedPackages() {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  return Object.keys(lock.packages)
    .map((key) => /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key)?.[1])
    .filter((name) => name && !name.startsWith('@node-llama-cpp/') && existsSync(path.join(root, 'node_modules', name)));
}

/** The target's @node-llama-cpp package, from node_modules or the registry (into `cache`). */
async function llamaPackage(target, cache) {
  const { pkg } = TARGETS[target];
  const installed = path.join(root, 'node_modules/@node-llama-cpp', pkg);
  if (existsSync(path.join(installed, 'package.json'))) return installed;
  const version = JSON.parse(readFileSync(path.join(root, 'node_modules/node-llama-cpp/package.json'), 'utf8')).version;
  const folder = path.join(cache, pkg);
  if (!existsSync(path.join(folder, 'package.json'))) {
    mkdirSync(folder, { recursive: true });
    const { stdout } = await execFile(npm, ['pack', `@node-llama-cpp/${pkg}@${version}`, '--silent'], { cwd: cache, maxBuffer: 16 * 1024 * 1024 });
    const tarball = path.join(cache, stdout.trim().split('\n').pop());
    await execFile('tar', ['-xzf', tarball, '-C', folder, '--strip-components=1']);
  }
  return folder;
}

/** Packs one target's .vsix into `outDir`; returns its path and size. */
export async function packageTarget(target, { outDir, cache, packages }) {
  if (!TARGETS[target]) throw new Error(`unknown target '${target}': ${Object.keys(TARGETS).join(', ')}`);
  // Beside node_modules' file system, so that hard links work (a copy of it all would be slow).
  mkdirSync(path.join(root, 'out/packages'), { recursive: true });
  const stage = mkdtempSync(path.join(root, 'out/packages', `.stage-${target}-`));
  try {
    for (const entry of OWN) if (existsSync(path.join(root, entry))) linkTree(path.join(root, entry), path.join(stage, entry));
    // The bundles are built already: vsce must not run the prepublish build (no sources here).
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    delete manifest.scripts['vscode:prepublish'];
    rmSync(path.join(stage, 'package.json'));
    writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
    const ignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8').replace(/^!node_modules\/@node-llama-cpp\/[\w-]+\/\*\*$/m, `!node_modules/@node-llama-cpp/${TARGETS[target].pkg}/**`);
    rmSync(path.join(stage, '.vscodeignore'));
    writeFileSync(path.join(stage, '.vscodeignore'), ignore);
    for (const name of packages) linkTree(path.join(root, 'node_modules', name), path.join(stage, 'node_modules', name));
    linkTree(await llamaPackage(target, cache), path.join(stage, 'node_modules/@node-llama-cpp', TARGETS[target].pkg));
    mkdirSync(outDir, { recursive: true });
    const vsix = path.join(outDir, `prompt-lab-${target}.vsix`);
    const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
    await execFile(process.execPath, [vsce, 'package', '--target', target, '--skip-license', '--out', vsix], { cwd: stage, maxBuffer: 64 * 1024 * 1024 });
    return { target, vsix, bytes: statSync(vsix).size };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

async function main(argv) {
  let outDir = path.join(root, 'out/packages');
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = path.resolve(argv[++i] ?? '');
    else if (argv[i] !== '--no-build') targets.push(argv[i]);
  }
  const chosen = targets.length > 0 ? targets : DEFAULT_TARGETS;
  for (const target of chosen) if (!TARGETS[target]) { console.error(`package-all: unknown target '${target}' (${Object.keys(TARGETS).join(', ')})`); return 2; }
  if (!argv.includes('--no-build')) {
    const { status } = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
    if (status !== 0) return 1;
  }
  const cache = path.join(root, 'out/packages/.cache');
  mkdirSync(cache, { recursive: true });
  const packages = lockedPackages();
  let failed = 0;
  for (const target of chosen) {
    const started = Date.now();
    const { vsix, bytes } = await packageTarget(target, { outDir, cache, packages });
    const problems = await nativeCodeProblems(vsix, target);
    failed += problems.length > 0 ? 1 : 0;
    console.log(`${target.padEnd(13)} ${(bytes / 1024 / 1024).toFixed(1).padStart(5)} MB  ${path.relative(root, vsix)}  ${problems.length === 0 ? `native code: ${TARGETS[target].pkg} only (${TARGETS[target].format}/${TARGETS[target].machine})` : 'PROBLEMS:'} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    for (const problem of problems) console.log(`  ${problem}`);
  }
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(`package-all: ${error.stack ?? error}`);
    process.exit(70);
  });
}
