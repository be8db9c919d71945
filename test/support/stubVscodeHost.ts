// A child process that activates the extension against a stand-in `vscode` module, to see what
// activation loads (test/unit/activation.test.ts). Not a VS Code: every API it does not model is a
// stub that accepts anything (calls and `new` give more stubs, awaiting one gives undefined); it
// models what the check needs: commands (register, execute, list), settings at their defaults, the
// open documents, no active editor.
//
//   node stubVscodeHost.js <extension entry> <first use: command:<id> | prompt-open>
//
// It prints JSON lines on stdout: `{ phase: 'activated', loaded, commands }` right after activate()
// returns, then `{ phase: 'used', loaded, commands, result, times }` after the first use, where
// `loaded` lists the files require() evaluated since the entry began to load (package.json aside).
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

type Handler = (...args: unknown[]) => unknown;
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

function stub(name: string): unknown {
  const values = new Map<PropertyKey, unknown>();
  return new Proxy(function () { /* a stub */ }, {
    get(_target, property) {
      if (values.has(property)) return values.get(property);
      // Awaited, a stub resolves to undefined (a dismissed message, nothing picked).
      if (property === 'then') return (resolve: (value: undefined) => void) => Promise.resolve(undefined).then(resolve);
      if (property === Symbol.toPrimitive) return () => name;
      if (property === Symbol.iterator) return function* () { /* empty */ };
      if (property === 'prototype') return Object.prototype;
      const value = stub(`${name}.${String(property)}`);
      values.set(property, value);
      return value;
    },
    set(_target, property, value) {
      values.set(property, value);
      return true;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`) as object,
  });
}

/** `namespace` with `own` in front of a stub for the rest. */
const partly = (own: Record<string, unknown>, rest: unknown): unknown =>
  new Proxy(own, { get: (target, property) => (property in target ? target[property as string] : (rest as Record<PropertyKey, unknown>)[property]) });

const [entry, firstUse] = process.argv.slice(2) as [string, string];
const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const openDocuments = firstUse === 'prompt-open' ? [{ languageId: 'dotprompt', uri: stub('uri'), getText: () => '' }] : [];

const commands = new Map<string, Handler>();
const base = stub('vscode') as Record<string, unknown>;
const api: Record<string, unknown> = {
  commands: partly({
    registerCommand(id: string, handler: Handler) {
      if (commands.has(id)) throw new Error(`command '${id}' already exists`);
      commands.set(id, handler);
      return { dispose: () => commands.delete(id) };
    },
    executeCommand: async (id: string, ...args: unknown[]) => {
      const handler = commands.get(id);
      if (!handler) throw new Error(`command '${id}' not found`);
      return handler(...args);
    },
    getCommands: async () => [...commands.keys()],
  }, base.commands),
  workspace: partly({
    getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback, inspect: () => undefined, has: () => false, update: async () => undefined }),
    workspaceFolders: undefined,
    textDocuments: openDocuments,
    isTrusted: true,
  }, base.workspace),
  window: partly({ activeTextEditor: undefined, visibleTextEditors: [] }, base.window),
};
// Every other name the API exports, as an own property: esbuild's interop copies own properties.
const declarations = readFileSync(require.resolve('@types/vscode/index.d.ts', { paths: [root] }), 'utf8');
for (const [, name] of declarations.matchAll(/^\s*export (?:namespace|class|enum|const|let|function) (\w+)/gm)) {
  if (!(name! in api)) api[name!] = base[name!];
}

const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: typeof load })._load = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? api : load.call(this, request, ...rest);
};

const before = new Set(Object.keys(require.cache));
const loaded = () => Object.keys(require.cache).filter((file) => !before.has(file) && !file.endsWith('package.json'));
const context = {
  subscriptions: [] as { dispose(): unknown }[],
  extension: { packageJSON: manifest },
  extensionUri: stub('extensionUri'), globalStorageUri: stub('globalStorageUri'),
  secrets: stub('secrets'), globalState: stub('globalState'), workspaceState: stub('workspaceState'),
};

async function main(): Promise<void> {
  // A real require, as the extension host does: the point is what it evaluates.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(path.resolve(entry)) as { activate(context: unknown): { features: Promise<unknown> } };
  const exports = extension.activate(context);
  print({ phase: 'activated', loaded: loaded(), commands: [...commands.keys()] });
  let result: unknown;
  if (firstUse.startsWith('command:')) result = await (api.commands as { executeCommand: Handler }).executeCommand(firstUse.slice('command:'.length));
  const times = await exports.features;
  print({ phase: 'used', loaded: loaded(), commands: [...commands.keys()], result, times });
  for (const item of context.subscriptions) item.dispose();
}

main().then(() => process.exit(0), (error: unknown) => {
  print({ phase: 'failed', error: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});
