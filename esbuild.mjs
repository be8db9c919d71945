// Eight bundles (DESIGN.md, Packaging): the extension host's two (activation, and the features it
// loads on first use), its token-count worker, the sandbox's worker, the local model's child
// process, the `calculate` tool (mathjs) and the CLI (Node, CommonJS), and the panel's webview
// (browser, IIFE). `--watch` rebuilds on change; `--production` minifies. The token tables of the
// two encodings are written beside the Node bundles.
import * as esbuild from 'esbuild';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { sep } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const pkg = JSON.parse(await readFile(new URL('./package.json', import.meta.url), 'utf8'));

/** In watch mode, marks each rebuild and prints errors in the two-line form the `npm: watch`
 * task's problem matcher reads (.vscode/tasks.json), so F5 waits for the build and errors link. */
const watchReport = (name) => ({
  name: 'watch-report',
  setup(build) {
    build.onStart(() => console.log(`[watch] ${name} build started`));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column + 1}:`);
      }
      console.log(`[watch] ${name} build finished`);
    });
  },
});
const plugins = (name) => (watch ? [watchReport(name)] : []);

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  // esbuild's own report in one-shot builds; in watch mode the plugin's, for the problem matcher.
  logLevel: watch ? 'silent' : 'warning',
  define: { PROMPT_LAB_VERSION: JSON.stringify(pkg.version) },
};

// node-llama-cpp is never bundled: it is ESM with native binaries, shipped in the .vsix's
// node_modules, and only the local model's child process (dist/localModelHost.js) loads it.
// QuickJS (the sandbox of `javascript` assertions and PAL programs, dist/sandboxWorker.js) is not
// bundled either: its loader finds its WebAssembly file beside its own module (import.meta.url), so
// it runs from node_modules.
const NODE_EXTERNALS = ['node-llama-cpp', 'quickjs-emscripten-core', '@jitl/*'];
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: NODE_EXTERNALS };

/** The token tables the bundles read at run time from `encoders/` beside them
 * (src/core/tokens/tiktokenFiles.ts), one per encoding, built from tiktoken's ranks by the same code
 * that reads them (bundled here to a string and run). Also listed in .vscodeignore. */
const ENCODINGS = ['o200k_base', 'cl100k_base'];

async function writeTokenTables() {
  const { outputFiles } = await esbuild.build({
    entryPoints: ['src/core/tokens/tiktokenFiles.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'warning',
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', '__dirname', outputFiles[0].text)(module, module.exports, createRequire(import.meta.url), process.cwd());
  await mkdir('dist/encoders', { recursive: true });
  // From the project folder: tiktoken's ranks in node_modules/tiktoken/encoders.
  for (const encoding of ENCODINGS) await writeFile(`dist/encoders/${encoding}.bpe`, module.exports.loadBpeTable(encoding, process.cwd()).toBytes());
}

/** The extension is two bundles (src/extension/extension.ts says why): its `import('./features')`
 * stays a load of dist/features.js, beside it, instead of pulling the features in; a `require`
 * (`supported` below), as for the rest of the extension, not Node's ESM loader. */
const featuresBeside = {
  name: 'features-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/features$/ }, () => ({ path: './features.js', external: true }));
  },
};

/** mathjs (1.7 MB bundled, half of what the CLI parsed on every start) is needed only when an agent
 * calculates: src/core/patterns/tools/index.ts's `import('./calculate')` stays a load of its own
 * dist/calculate.js, beside the bundle, as the extension's features do (issue 15: start-up). */
const calculateBeside = {
  name: 'calculate-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/calculate$/ }, (args) => (args.importer.endsWith(`tools${sep}index.ts`) ? { path: './calculate.js', external: true } : undefined));
  },
};
/** handlebars requires `source-map` only to precompile templates with source maps (never done
 * here) and falls back to its own SourceNode without it: an empty module saves every Node bundle
 * 62 KB of parsing at start. */
const noSourceMap = {
  name: 'no-source-map',
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, (args) => (args.importer.includes(`handlebars${sep}`) ? { path: 'source-map', namespace: 'no-source-map' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'no-source-map' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** A bundle whose lazy `import()`s of the files above stay `require`s of them (not Node's ESM loader). */
const lazyBeside = { supported: { 'dynamic-import': false } };

const builds = [
  // Activation: the shell that registers stand-ins and loads dist/features.js on first use.
  { ...node, ...lazyBeside, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...NODE_EXTERNALS], plugins: [featuresBeside, ...plugins('extension')] },
  { ...node, ...lazyBeside, entryPoints: ['src/extension/features.ts'], outfile: 'dist/features.js', external: ['vscode', ...NODE_EXTERNALS], plugins: [calculateBeside, noSourceMap, ...plugins('features')] },
  // The `calculate` tool with mathjs, loaded by features.js and cli.js when an agent first calculates.
  { ...node, entryPoints: ['src/core/patterns/tools/calculate.ts'], outfile: 'dist/calculate.js', plugins: plugins('calculate') },
  // Token counting off the extension host's thread (src/engine/tokens/tokenCountService.ts). No
  // `vscode` external: a worker thread has no `vscode` module, so importing it fails the build.
  { ...node, entryPoints: ['src/engine/tokens/tokenWorker.ts'], outfile: 'dist/tokenWorker.js', plugins: plugins('tokenWorker') },
  // The sandbox's worker thread (src/core/sandbox/sandbox.ts starts it from beside its own bundle:
  // dist/extension.js and dist/cli.js alike). No `vscode` external, as for the token worker.
  { ...node, entryPoints: ['src/core/sandbox/sandboxWorker.ts'], outfile: 'dist/sandboxWorker.js', plugins: plugins('sandboxWorker') },
  // The local backend's child process (src/backends/local/localModelHost.ts), forked by the extension
  // and the CLI from beside their own bundle.
  { ...node, entryPoints: ['src/backends/local/localModelHost.ts'], outfile: 'dist/localModelHost.js', plugins: plugins('localModelHost') },
  // No `vscode` external here: if anything the CLI reaches imports it, this bundle fails to build.
  { ...node, ...lazyBeside, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [calculateBeside, noSourceMap, ...plugins('cli')] },
  {
    ...common, platform: 'browser', format: 'iife', target: 'chrome120',
    entryPoints: { panel: 'webview/src/main.ts' }, outdir: 'dist/webview',
    tsconfig: 'webview/tsconfig.json', plugins: plugins('webview'),
  },
];

await writeTokenTables();
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await chmod('dist/cli.js', 0o755);
}
