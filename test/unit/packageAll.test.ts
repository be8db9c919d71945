// scripts/package-all.mjs: one .vsix per platform with only its own native code. The binaries'
// headers are read from node-llama-cpp's real prebuilt packages; one extra target (linux-arm64,
// installed here, so no registry) is packed for real and its .vsix opened and checked.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '../../..');
interface PackageAll {
  TARGETS: Record<string, { pkg: string; format: string; machine: string }>;
  binaryKind(bytes: Buffer): { format: string; machine: string };
  nativeCodeProblems(vsix: string, target: string): Promise<string[]>;
  vsixEntries(vsix: string): Promise<string[]>;
  packageTarget(target: string, options: { outDir: string; cache: string; packages: string[] }): Promise<{ vsix: string; bytes: number }>;
}
// The script is an ES module; import() keeps this test file CommonJS like the rest.
const load = () => (Function('m', 'return import(m)') as (m: string) => Promise<PackageAll>)(pathToFileURL(path.join(root, 'scripts/package-all.mjs')).href);
const addon = (pkg: string) => path.join(root, 'node_modules/@node-llama-cpp', pkg, 'bins', pkg, 'llama-addon.node');

describe('per-platform packages (scripts/package-all.mjs)', function () {
  this.timeout(240000);

  it('tells native binaries apart by their headers', async () => {
    const { binaryKind } = await load();
    assert.deepEqual(binaryKind(readFileSync(addon('linux-x64'))), { format: 'elf', machine: 'x64' });
    if (existsSync(addon('linux-arm64'))) assert.deepEqual(binaryKind(readFileSync(addon('linux-arm64'))), { format: 'elf', machine: 'arm64' });
    assert.deepEqual(binaryKind(Buffer.from('not a binary at all')), { format: 'unknown', machine: 'unknown' });
    const pe = Buffer.alloc(0x100);
    pe.writeUInt16LE(0x5a4d, 0);
    pe.writeUInt32LE(0x80, 0x3c);
    pe.writeUInt16LE(0xaa64, 0x84);
    assert.deepEqual(binaryKind(pe), { format: 'pe', machine: 'arm64' });
  });

  it('packs linux-arm64 with its own llama.cpp build and no other platform\'s native code', async function () {
    if (!existsSync(path.join(root, 'dist/extension.js')) || !existsSync(addon('linux-arm64'))) this.skip();
    const { packageTarget, nativeCodeProblems, vsixEntries, TARGETS } = await load();
    const outDir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-package-'));
    try {
      const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
      const packages = Object.keys(lock.packages).map((key) => /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key)?.[1])
        .filter((name): name is string => !!name && !name.startsWith('@node-llama-cpp/') && existsSync(path.join(root, 'node_modules', name)));
      const { vsix, bytes } = await packageTarget('linux-arm64', { outDir, cache: outDir, packages });
      assert.deepEqual(await nativeCodeProblems(vsix, 'linux-arm64'), []);
      const entries = await vsixEntries(vsix);
      for (const needed of ['extension/models/stories260K.gguf', 'extension/dist/localModelHost.js', `extension/node_modules/@node-llama-cpp/${TARGETS['linux-arm64']!.pkg}/bins/linux-arm64/llama-addon.node`]) {
        assert.ok(entries.includes(needed), needed);
      }
      assert.ok(bytes < 30 * 1024 * 1024, `${(bytes / 1024 / 1024).toFixed(1)} MB`);
      // The same .vsix is wrong for any other target, and the check says why.
      const wrong = await nativeCodeProblems(vsix, 'linux-x64');
      assert.ok(wrong.some((problem) => /llama-addon\.node: elf\/arm64, not elf\/x64/.test(problem)), wrong.join('\n'));
      assert.ok(wrong.some((problem) => /another platform's package/.test(problem)));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
