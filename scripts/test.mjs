#!/usr/bin/env node
// Builds once, then runs the four test layers one after another (two cores: they would fight),
// and ends with one line `N passed, N failed` summing them all. Exit 1 on any failure.
//   node scripts/test.mjs                 build + unit, webview, integration, e2e
//   node scripts/test.mjs unit webview    build + only those layers
import { spawn } from 'node:child_process';

const LAYERS = {
  unit: 'mocha in Node',
  webview: 'the panel bundle in Chromium, fake host',
  integration: 'mocha inside a real VS Code extension host',
  e2e: 'the packaged .vsix in code-server, driven in Chromium',
};
const BUILD = [
  ['compile', ['run', 'compile']],
  ['lint', ['run', 'lint']],
  // vsce runs `vscode:prepublish` (the production bundles) before it packs the .vsix e2e installs.
  ['package', ['run', 'package']],
];

const chosen = process.argv.slice(2);
for (const name of chosen) {
  if (!(name in LAYERS)) {
    console.error(`test: unknown layer '${name}'; layers: ${Object.keys(LAYERS).join(', ')}`);
    process.exit(2);
  }
}
const layers = chosen.length > 0 ? chosen : Object.keys(LAYERS);

/** Runs `npm args…`, echoing its output, and resolves with its exit code and output. */
function npm(args) {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.on('data', (chunk) => { output += chunk; process.stderr.write(chunk); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Mocha's spec reporter ends with `N passing`, `N failing`, `N pending`; the last of each counts. */
function counts(output) {
  const last = (word) => {
    const all = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))];
    return all.length > 0 ? Number(all.at(-1)[1]) : 0;
  };
  return { passed: last('passing'), failed: last('failing'), pending: last('pending') };
}

const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
const rows = [];
let passed = 0;
let failed = 0;
const started = Date.now();

for (const [name, args] of BUILD) {
  const t0 = Date.now();
  console.log(`\n=== build: ${name}`);
  const { code } = await npm(args);
  rows.push(`build ${name.padEnd(12)} ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds(t0)} s`);
  if (code !== 0) {
    failed += 1;
    break;
  }
}

if (failed === 0) {
  for (const layer of layers) {
    const t0 = Date.now();
    console.log(`\n=== ${layer}: ${LAYERS[layer]}`);
    const { code, output } = await npm(['run', `test:${layer}`]);
    const result = counts(output);
    let note = '';
    // A layer that crashed before mocha's summary, or that ran nothing, is a failure, not a pass.
    if (code !== 0 && result.failed === 0) { result.failed = 1; note = ` (exited ${code} without a test failure: counted as 1 failed)`; }
    if (code === 0 && result.passed === 0) { result.failed = 1; note = ' (ran no test: counted as 1 failed)'; }
    passed += result.passed;
    failed += result.failed;
    rows.push(`${layer.padEnd(18)} ${result.passed} passed, ${result.failed} failed${result.pending ? `, ${result.pending} pending` : ''} in ${seconds(t0)} s${note}`);
  }
}

console.log(`\n=== summary (${seconds(started)} s)`);
for (const row of rows) console.log(`  ${row}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
