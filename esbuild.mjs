// Three bundles (DESIGN.md, Packaging): the extension host and the CLI (Node, CommonJS) and the
// panel's webview (browser, IIFE). `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { chmod, readFile } from 'node:fs/promises';

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

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: plugins('extension') },
  // No `vscode` external here: if anything the CLI reaches imports it, this bundle fails to build.
  { ...node, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: plugins('cli') },
  {
    ...common, platform: 'browser', format: 'iife', target: 'chrome120',
    entryPoints: { panel: 'webview/src/main.ts' }, outdir: 'dist/webview',
    tsconfig: 'webview/tsconfig.json', plugins: plugins('webview'),
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await chmod('dist/cli.js', 0o755);
}
