// package.json is code too: these check what VS Code and vsce would only reject at install time.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { DOTPROMPT_LANGUAGE_ID } from '../../src/core/promptFiles';
import { Commands } from '../../src/extension/commands';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('manifest', () => {
  it('declares exactly the commands the extension registers, all under "Prompt Lab"', () => {
    const declared = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(declared, Object.values(Commands).sort());
    for (const command of pkg.contributes.commands) assert.equal(command.category, 'Prompt Lab', command.command);
  });

  it('runs on code-server 4.139 (Code 1.139) and current desktop VS Code', () => {
    for (const version of ['1.139.1', '1.140.0']) assert.ok(semver.satisfies(version, pkg.engines.vscode), version);
    // vsce refuses a package whose @types/vscode is newer than the engine it claims.
    const types = JSON.parse(readFileSync(path.join(root, 'node_modules/@types/vscode/package.json'), 'utf8')).version;
    assert.ok(semver.lte(types, semver.minVersion(pkg.engines.vscode)!), `@types/vscode ${types} > ${pkg.engines.vscode}`);
  });

  it('gives .prompt files the dotprompt language with its grammar and configuration', () => {
    const language = pkg.contributes.languages.find((l: { id: string }) => l.id === DOTPROMPT_LANGUAGE_ID);
    assert.deepEqual(language.extensions, ['.prompt']);
    assert.ok(language.aliases.includes('Dotprompt') && language.aliases.includes('Prompt'));
    const grammar = pkg.contributes.grammars.find((g: { language: string }) => g.language === DOTPROMPT_LANGUAGE_ID);
    for (const file of [language.configuration, grammar.path, pkg.icon]) assert.ok(existsSync(path.join(root, file)), file);
    assert.doesNotThrow(() => JSON.parse(readFileSync(path.join(root, language.configuration), 'utf8')));
  });

  it('activates only on what it contributes', () => {
    assert.deepEqual(pkg.activationEvents.sort(), [`onLanguage:${DOTPROMPT_LANGUAGE_ID}`, 'onWebviewPanel:promptLab.panel']);
  });

  it('points main and bin at the bundles', () => {
    assert.ok(existsSync(path.join(root, pkg.main)), pkg.main);
    assert.ok(existsSync(path.join(root, pkg.bin['prompt-lab'])), pkg.bin['prompt-lab']);
  });
});
