// The layering of DESIGN.md is enforced by eslint.config.mjs. These tests lint probe files in each
// layer, so deleting or weakening a rule fails here, not silently.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

interface LintMessage { ruleId: string | null; message: string }
interface LintResult { messages: LintMessage[] }
interface ESLintLike { lintText(code: string, options: { filePath: string }): Promise<LintResult[]> }

async function restrictedImports(filePath: string, code: string): Promise<LintMessage[]> {
  // eslint is ESM-first; import() keeps this test file CommonJS like the rest.
  const { ESLint } = await (Function('m', 'return import(m)') as (m: string) => Promise<{ ESLint: new (o: object) => ESLintLike }>)('eslint');
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax');
}

const importVscode = "import * as vscode from 'vscode';\nexport const v = vscode;\n";

describe('layering', function () {
  this.timeout(60000);

  for (const layer of ['src/core', 'src/engine', 'src/backends', 'src/cli', 'src/shared', 'webview/src']) {
    it(`${layer} cannot import vscode`, async () => {
      const found = await restrictedImports(`${layer}/probe.ts`, importVscode);
      assert.equal(found.length, 1, JSON.stringify(found));
    });
  }

  it('src/core cannot import vscode by type, by import() or by require()', async () => {
    const code = "import type { Uri } from 'vscode';\nexport type U = Uri;\nexport const a = () => import('vscode');\nexport const b = () => require('vscode');\n";
    const found = await restrictedImports('src/core/probe.ts', code);
    assert.equal(found.length, 3, JSON.stringify(found));
  });

  it('src/core cannot reach into the extension, the backends or the CLI', async () => {
    const code = ["import '../extension/extension';", "import '../backends/openai';", "import '../cli/main';", ''].join('\n');
    assert.equal((await restrictedImports('src/core/probe.ts', code)).length, 3);
  });

  it('src/engine cannot import vscode by type, by import() or by require(), nor reach into the extension or the CLI', async () => {
    const code = "import type { Uri } from 'vscode';\nexport type U = Uri;\nexport const a = () => import('vscode');\nexport const b = () => require('vscode');\n";
    assert.equal((await restrictedImports('src/engine/probe.ts', code)).length, 3);
    const reach = ["import '../extension/extension';", "import '../cli/main';", "import '../backends/registry';", ''].join('\n');
    assert.equal((await restrictedImports('src/engine/probe.ts', reach)).length, 2, 'the backends are the engine\'s to use');
  });

  it('the webview shares only the protocol', async () => {
    assert.equal((await restrictedImports('webview/src/probe.ts', "import '../../src/shared/protocol';\n")).length, 0);
    assert.equal((await restrictedImports('webview/src/probe.ts', "import '../../src/core/promptFiles';\n")).length, 1);
    assert.equal((await restrictedImports('webview/src/probe.ts', "import 'node:fs';\n")).length, 1);
  });

  it('src/extension may import vscode', async () => {
    assert.deepEqual(await restrictedImports('src/extension/probe.ts', importVscode), []);
  });
});
