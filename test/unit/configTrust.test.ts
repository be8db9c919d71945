// A promptlab.config.json that came with a cloned repository must not get the user's keys: the
// "evil" server here is a real HTTP listener the repository's config points at. The CLI runs in a
// child process (its own cwd, environment, and no terminal, as in CI), from the compiled sources.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { GenerationRequest } from '../../src/backends/backend';
import { readBackendConfigs } from '../../src/backends/backendConfig';
import { cliBackendRegistry, cliBackendServices, ConfigError, readWorkspaceConfig, type Prompter } from '../../src/cli/workspaceConfig';
import { isTrusted, recordTrust, trustStorePath } from '../../src/cli/trustStore';
import { startFaultServer, type FaultServer } from '../support/faultServer';

const MAIN = path.resolve(__dirname, '../../src/cli/main.js');
const KEY = 'sk-test-TRUST-0123456789abcdefghij';
const AWS = 'aws-SECRET-do-not-send-42';
const STORIES_MODEL = path.resolve(__dirname, '../../../../shared/models/stories260K.gguf');

/** Runs `prompt-lab <args>` in a child process in `cwd`; stdin is not a terminal. */
function cli(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `require(${JSON.stringify(MAIN)}).runCli(process.argv.slice(1), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }, 'test')`
    + '.then((code) => { process.exitCode = code; }, (error) => { console.error(error); process.exitCode = 70; })';
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script, '--', ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code) : 0, stdout, stderr });
    });
  });
}

describe('config trust: a config file in the current folder', function () {
  this.timeout(60_000);
  let evil: FaultServer;
  let scratch: string;
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  let config: string;
  const writeConfig = (content: object) => writeFileSync(config, JSON.stringify(content, null, 2));
  const keyed = () => ({ backends: [{ id: 'evil', kind: 'openai', baseURL: evil.url, apiKeyEnv: 'OPENAI_API_KEY', maxRetries: 0 }] });
  const authorizations = () => evil.requests.map((request) => request.headers.authorization);
  const run = (...args: string[]) => cli(cwd, env, 'run', 'hello.prompt', ...args);

  before(async () => {
    evil = await startFaultServer();
  });
  after(() => evil.close());
  beforeEach(() => {
    evil.reset();
    scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'prompt-lab-trust-')));
    cwd = path.join(scratch, 'cloned-repo');
    mkdirSync(cwd);
    config = path.join(cwd, 'promptlab.config.json');
    writeFileSync(path.join(cwd, 'hello.prompt'), '---\nmodel: evil/gpt-x\n---\nSay hello.\n');
    // Only what the CLI needs: the key, a PATH, and a trust store of this test's own.
    env = { PATH: process.env.PATH, HOME: scratch, XDG_CONFIG_HOME: path.join(scratch, 'xdg'), OPENAI_API_KEY: KEY, AWS_SECRET_ACCESS_KEY: AWS };
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('sends no key to the server it names, and says how to allow it (exit 2, no terminal)', async () => {
    writeConfig(keyed());
    const { code, stdout, stderr } = await run();
    assert.equal(code, 2, stderr);
    assert.equal(evil.requests.length, 0, 'nothing at all reached the server');
    assert.match(stderr, new RegExp(`^prompt-lab run: promptlab\\.config\\.json in this folder \\(${cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) would send \\$OPENAI_API_KEY to ${evil.origin.replace(/[.]/g, '\\.')} \\(backend 'evil'\\), and you have not allowed this file to send keys: nothing was sent\\.`));
    assert.match(stderr, /--config promptlab\.config\.json\) or record it once with 'prompt-lab trust'/);
    assert.ok(!(stdout + stderr).includes(KEY));
    // compare refuses before its first cell too.
    const compare = await cli(cwd, env, 'compare', 'hello.prompt', '--temperatures', '0', '--samples', '1');
    assert.equal(compare.code, 2, compare.stderr);
    assert.match(compare.stderr, /^prompt-lab compare: promptlab\.config\.json in this folder .* would send \$OPENAI_API_KEY/);
    assert.equal(evil.requests.length, 0);
  });

  it('sends the key when the user names the file with --config', async () => {
    writeConfig(keyed());
    const { code, stdout, stderr } = await run('--config', 'promptlab.config.json');
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'Hello, world! How are you?\n');
    assert.deepEqual(authorizations(), [`Bearer ${KEY}`]);
  });

  it('sends the key once the file is trusted, and not after an edit until trusted again', async () => {
    writeConfig(keyed());
    const trust = await cli(cwd, env, 'trust');
    assert.equal(trust.code, 0, trust.stderr);
    assert.match(trust.stdout, new RegExp(`^Trusted ${path.join(cwd, 'promptlab.config.json').replace(/[.]/g, '\\.')} \\(sha256 [0-9a-f]{12}…\\): it may send \\$OPENAI_API_KEY to ${evil.origin.replace(/[.]/g, '\\.')} \\(backend 'evil'\\)\\.\n$`));
    const store = path.join(scratch, 'xdg', 'prompt-lab', 'trusted.json');
    const [entry] = JSON.parse(readFileSync(store, 'utf8')).trusted;
    assert.equal(entry.path, config);
    assert.equal(entry.sha256, createHash('sha256').update(readFileSync(config)).digest('hex'));

    const trusted = await run();
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.deepEqual(authorizations(), [`Bearer ${KEY}`]);

    // The repository changes its config (a pull): the same server, one more field. Untrusted again.
    writeConfig({ ...keyed(), defaultBackend: 'evil' });
    const edited = await run();
    assert.equal(edited.code, 2, edited.stderr);
    assert.match(edited.stderr, /you have not allowed this file to send keys: nothing was sent/);
    assert.equal(evil.requests.length, 1, 'no request after the edit');
    assert.equal((await cli(cwd, env, 'trust', 'promptlab.config.json')).code, 0);
    assert.equal((await run()).code, 0);
    assert.deepEqual(authorizations(), [`Bearer ${KEY}`, `Bearer ${KEY}`]);
  });

  it('runs backends that need no key without asking: a keyless config backend, and the local model', async () => {
    writeConfig({ backends: [...keyed().backends, { id: 'plain', kind: 'openai', baseURL: evil.url, maxRetries: 0 }] });
    const plain = await run('--backend', 'plain');
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(authorizations(), [undefined], 'a request, with no key in it');
    if (!existsSync(STORIES_MODEL)) return;
    const local = await run('--backend', 'local', '--model-path', STORIES_MODEL, '--max-tokens', '2', '--temperature', '0');
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stderr, /\[local\/stories260K · finish: length/);
  });

  it('refuses an apiKeyEnv that is not an API key\'s variable, even from --config, and --api-key-env alike', async () => {
    writeConfig({ backends: [{ id: 'evil', kind: 'openai', baseURL: evil.url, apiKeyEnv: 'AWS_SECRET_ACCESS_KEY' }] });
    for (const args of [[], ['--config', 'promptlab.config.json']]) {
      const { code, stdout, stderr } = await run(...args);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /promptlab\.config\.json: backends\[0\]: apiKeyEnv must name an environment variable ending in _API_KEY .*not 'AWS_SECRET_ACCESS_KEY'/);
      assert.ok(!(stdout + stderr).includes(AWS));
    }
    rmSync(config);
    const flag = await run('--base-url', evil.url, '--api-key-env', 'GITHUB_TOKEN');
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /^prompt-lab run: --api-key-env must name an environment variable ending in _API_KEY .*not 'GITHUB_TOKEN'/);
    assert.equal(evil.requests.length, 0);
  });

  it('keeps promptsFolder inside the config file\'s folder, also through a symbolic link', async () => {
    mkdirSync(path.join(scratch, 'elsewhere'));
    writeConfig({ backends: [], promptsFolder: '../elsewhere' });
    const up = await run();
    assert.equal(up.code, 2);
    assert.match(up.stderr, /promptsFolder: '\.\.\/elsewhere' is outside the folder of the config file; give --prompts-dir to use it/);
    symlinkSync(path.join(scratch, 'elsewhere'), path.join(cwd, 'prompts'));
    writeConfig({ backends: [], promptsFolder: 'prompts' });
    const linked = await run();
    assert.equal(linked.code, 2);
    assert.match(linked.stderr, /promptsFolder: 'prompts' is outside the folder of the config file \(through a symbolic link\)/);
  });
});

describe('config trust: asking on a terminal', () => {
  let evil: FaultServer;
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  const request: GenerationRequest = { model: 'gpt-x', messages: [{ role: 'user', content: 'Hi' }], config: {} };

  before(async () => {
    evil = await startFaultServer();
  });
  after(() => evil.close());
  beforeEach(() => {
    evil.reset();
    scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'prompt-lab-ask-')));
    env = { XDG_CONFIG_HOME: path.join(scratch, 'xdg'), OPENAI_API_KEY: KEY };
    writeFileSync(path.join(scratch, 'promptlab.config.json'), JSON.stringify({ backends: [{ id: 'evil', kind: 'openai', baseURL: evil.url, apiKeyEnv: 'OPENAI_API_KEY', maxRetries: 0 }] }));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** A terminal that answers `answer` and keeps what it was asked and told. */
  const terminal = (answer: boolean) => {
    const seen = { questions: [] as string[], notes: [] as string[] };
    const prompter: Prompter = {
      ask: async (question) => { seen.questions.push(question); return answer; },
      note: (text) => { seen.notes.push(text); },
    };
    return { prompter, seen };
  };

  it('asks once per file when the backend is first used; no sends nothing, and the key cannot be read', async () => {
    const workspace = await readWorkspaceConfig(undefined, scratch, env);
    const services = cliBackendServices(env);
    const { prompter, seen } = terminal(false);
    const backend = cliBackendRegistry(workspace.backends, services, prompter).get('evil');
    assert.deepEqual(seen.questions, [], 'nothing asked before a request is about to go');
    await assert.rejects(backend.generate(request), (error: Error) => error instanceof ConfigError && /you did not allow that: nothing was sent/.test(error.message));
    await assert.rejects(backend.generate(request), ConfigError);
    assert.deepEqual(seen.questions, [`promptlab.config.json in this folder (${scratch}) sends $OPENAI_API_KEY to ${evil.origin} (backend 'evil'). Allow? [y/N] `]);
    assert.equal(evil.requests.length, 0);
    // A path that skipped the registry would not get the key from the services either.
    await assert.rejects(services.apiKey(workspace.backends[0]!), ConfigError);
  });

  it('remembers a yes in the trust store: the key is sent, and a later run is not asked', async () => {
    const workspace = await readWorkspaceConfig(undefined, scratch, env);
    const { prompter, seen } = terminal(true);
    const backend = cliBackendRegistry(workspace.backends, cliBackendServices(env), prompter).get('evil');
    const results = await Promise.all([backend.generate(request), backend.generate(request)]);
    assert.deepEqual(results.map((result) => result.error), [undefined, undefined]);
    assert.equal(seen.questions.length, 1, 'two requests at once, one question');
    assert.match(seen.notes[0]!, /^Allowed; remembered in .*trusted\.json until the file changes\.$/);
    assert.deepEqual(evil.requests.map((r) => r.headers.authorization), [`Bearer ${KEY}`, `Bearer ${KEY}`]);

    const later = await readWorkspaceConfig(undefined, scratch, env);
    const again = terminal(false);
    const result = await cliBackendRegistry(later.backends, cliBackendServices(env), again.prompter).get('evil').generate(request);
    assert.equal(result.error, undefined);
    assert.deepEqual(again.seen.questions, []);
  });

  it('without a terminal refuses when the backend is picked, before anything is created or sent', async () => {
    const workspace = await readWorkspaceConfig(undefined, scratch, env);
    const registry = cliBackendRegistry(workspace.backends, cliBackendServices(env), undefined);
    assert.throws(() => registry.get('evil'), (error: Error) => error instanceof ConfigError && /have not allowed this file to send keys/.test(error.message));
    // The local backend of the same registry is not the file's: it runs.
    assert.equal(registry.get('local').id, 'local');
    await registry.dispose();
    // The same file given explicitly is the user's choice.
    const chosen = await readWorkspaceConfig(path.join(scratch, 'promptlab.config.json'), scratch, env);
    const result = await cliBackendRegistry(chosen.backends, cliBackendServices(env), undefined).get('evil').generate(request);
    assert.equal(result.error, undefined);
    assert.deepEqual(evil.requests.map((r) => r.headers.authorization), [`Bearer ${KEY}`]);
  });
});

describe('apiKeyEnv names', () => {
  it('are API keys\' variables only, in the config file and the setting alike', () => {
    const check = (apiKeyEnv: unknown) => readBackendConfigs([{ id: 'x', kind: 'openai', apiKeyEnv }]);
    for (const name of ['OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'MY2_API_KEY']) {
      assert.deepEqual(check(name).problems, [], name);
    }
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'openai_api_key', 'API_KEY', '_API_KEY', 'OPENAI_API_KEY_FILE', 'PATH', '', 42]) {
      const { backends, problems } = check(name);
      assert.deepEqual(backends, [], String(name));
      assert.equal(problems.length, 1);
      assert.match(problems[0]!.message, /^apiKeyEnv must name an environment variable ending in _API_KEY/);
    }
  });
});

describe('the trust store', () => {
  it('lives under XDG_CONFIG_HOME (absolute only), else ~/.config, else %APPDATA% on Windows', () => {
    assert.equal(trustStorePath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' }, 'linux'), path.join('/x/cfg', 'prompt-lab', 'trusted.json'));
    assert.equal(trustStorePath({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' }, 'linux'), path.join('/home/u', '.config', 'prompt-lab', 'trusted.json'));
    assert.equal(trustStorePath({ APPDATA: '/appdata', HOME: '/home/u' }, 'win32'), path.join('/appdata', 'prompt-lab', 'trusted.json'));
  });

  it('trusts a path at one content only, and will not overwrite a store it cannot read', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-store-'));
    try {
      const store = path.join(scratch, 'deep', 'trusted.json');
      assert.equal(await isTrusted(store, '/r/promptlab.config.json', 'aa'), false);
      await recordTrust(store, '/r/promptlab.config.json', 'aa');
      await recordTrust(store, '/r/promptlab.config.json', 'bb');
      assert.equal(await isTrusted(store, '/r/promptlab.config.json', 'bb'), true);
      assert.equal(await isTrusted(store, '/r/promptlab.config.json', 'aa'), false, 'the new content replaces the old');
      assert.equal(await isTrusted(store, '/other/promptlab.config.json', 'bb'), false);
      writeFileSync(store, '{ not json');
      assert.equal(await isTrusted(store, '/r/promptlab.config.json', 'bb'), false);
      await assert.rejects(recordTrust(store, '/r/promptlab.config.json', 'cc'), /not a trust store.*fix or delete it/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
