// The first module of dist/extension.js to run (extension.ts imports it before anything else, and
// esbuild keeps that order), so `loadStarted` is taken before the bundle's other modules are
// evaluated: activation, as VS Code counts it, is loading the code plus calling activate().
import { performance } from 'node:perf_hooks';

export const loadStarted = performance.now();
