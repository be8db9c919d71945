// package.json is code too: these check what VS Code and vsce would only reject at install time.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { API_KEY_ENV_PATTERN, BACKEND_KINDS, DEFAULT_CONCURRENCY, DEFAULT_LOCAL_CONCURRENCY } from '../../src/backends/backendConfig';
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

  it('declares Restricted Mode as limited: an untrusted workspace cannot redirect keys or pick a model file', () => {
    const untrusted = pkg.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.ok(typeof untrusted.description === 'string' && untrusted.description.length > 20);
    assert.deepEqual([...untrusted.restrictedConfigurations].sort(), ['promptLab.backends', 'promptLab.defaultBackend', 'promptLab.local.modelPath']);
    for (const key of untrusted.restrictedConfigurations) assert.ok(pkg.contributes.configuration.properties[key], `${key} is a contributed setting`);
  });

  it('describes promptLab.backends entries with a closed schema whose kinds are the backend kinds', () => {
    const properties = pkg.contributes.configuration.properties;
    const items = properties['promptLab.backends'].items;
    assert.equal(items.additionalProperties, false);
    assert.deepEqual(items.required, ['id', 'kind']);
    assert.deepEqual(items.properties.kind.enum, [...BACKEND_KINDS]);
    // The settings editor refuses the names the CLI refuses (backendConfig.ts).
    assert.equal(items.properties.apiKeyEnv.pattern, API_KEY_ENV_PATTERN.source);
    for (const [name, property] of Object.entries<{ description?: string; markdownDescription?: string }>(items.properties)) {
      assert.ok(property.description ?? property.markdownDescription, `backends[].${name} has a description`);
    }
    // The default concurrency the settings document is the one the engine uses (backendConfig.ts).
    assert.equal(items.properties.concurrency.default, DEFAULT_CONCURRENCY);
    assert.match(items.properties.concurrency.description, new RegExp(`Default ${DEFAULT_CONCURRENCY}; for \`local\`, ${DEFAULT_LOCAL_CONCURRENCY}\\b`));
    assert.equal(properties['promptLab.defaultBackend'].default, 'local');
    for (const key of ['promptLab.local.modelPath', 'promptLab.local.threads', 'promptLab.local.contextSize']) assert.ok(properties[key]?.markdownDescription, key);
    // Keys are never settings.
    assert.equal(Object.keys(properties).some((key) => /key|secret|token/i.test(key) && !/^promptLab\.local\./.test(key)), false);
  });

  it('puts Run Prompt in the editor title of .prompt files', () => {
    const run = pkg.contributes.menus['editor/title'].find((item: { command: string }) => item.command === 'promptLab.runPrompt');
    assert.equal(run?.when, 'editorLangId == dotprompt');
    assert.match(run.group, /^navigation/);
  });

  describe('getting started', () => {
    const declared = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

    it("has a walkthrough whose every step's commands exist and whose every media file is there", () => {
      const [walkthrough] = pkg.contributes.walkthroughs;
      assert.ok(walkthrough.steps.length >= 5);
      const ids = new Set<string>();
      for (const step of walkthrough.steps) {
        assert.ok(!ids.has(step.id), `duplicate step ${step.id}`);
        ids.add(step.id);
        const commands = [
          ...[...String(step.description).matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!),
          ...(step.completionEvents ?? []).filter((e: string) => e.startsWith('onCommand:')).map((e: string) => e.slice('onCommand:'.length)),
        ];
        assert.ok(commands.length > 0, `${step.id} runs no command`);
        for (const command of commands) assert.ok(declared.has(command), `${step.id}: ${command} is not a declared command`);
        const media = step.media.markdown ?? step.media.image ?? step.media.svg;
        assert.ok(media && existsSync(path.join(root, media)), `${step.id}: ${media}`);
      }
      for (const expected of ['promptLab.runPrompt', 'promptLab.compareTemperatures', 'promptLab.setApiKey', 'promptLab.selectBackend', 'promptLab.evaluate', 'promptLab.importPrompt']) {
        assert.ok(walkthrough.steps.some((step: { description: string }) => step.description.includes(`command:${expected}`)), expected);
      }
    });

    it("ships the walkthrough's media, the snippets and the model in the box in the .vsix", () => {
      const ignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8');
      for (const line of ['!media/walkthrough/*.md', '!snippets/*.json', '!models/stories260K.gguf', '!models/LICENSE-stories260K.txt']) assert.ok(ignore.split('\n').includes(line), line);
    });

    it('has dotprompt snippets for frontmatter and role blocks', () => {
      const [contribution] = pkg.contributes.snippets;
      assert.equal(contribution.language, DOTPROMPT_LANGUAGE_ID);
      const snippets = JSON.parse(readFileSync(path.join(root, contribution.path), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
      const prefixes = Object.values(snippets).map((snippet) => snippet.prefix);
      for (const prefix of ['pl-frontmatter', 'pl-system', 'pl-user', 'pl-model']) assert.ok(prefixes.includes(prefix), prefix);
      for (const snippet of Object.values(snippets)) assert.ok(Array.isArray(snippet.body) && snippet.body.length > 0, snippet.prefix);
    });
  });
});
