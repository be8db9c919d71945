// What the benches over the local model share: the engine from tsc's out/, the model from
// ../shared, the story prompt, and `prompt-lab serve` over the local backend with the openai
// backend pointed at it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const require = createRequire(import.meta.url);
export const out = (file) => require(path.join(root, 'out/src', file));
export const MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
export const STORY_FILE = path.join(root, 'prompts/continue-story.prompt');

const { LocalBackend } = out('backends/local/localBackend.js');
const { startOpenAIServer } = out('serve/openaiServer.js');
const { createOpenAIBackend } = out('backends/openai/index.js');
const { analyzePrompt } = out('core/analyzePrompt.js');
const { memoryEnvironment } = out('core/promptEnvironment.js');

/** The story prompt checked and rendered, as every run of it starts. */
export const analyzeStory = () => analyzePrompt(readFileSync(STORY_FILE, 'utf8'), memoryEnvironment());

/** The local backend on stories260K (1 thread) and `prompt-lab serve` over it; `viaServe` is the
 * openai backend pointed at that server. `concurrency` unset: the backend's default (and the server
 * follows it); `sequences`: decoded together, batched. Call `close()` when done. */
export async function startLocalServe(concurrency, sequences) {
  const local = new LocalBackend({ id: 'local', kind: 'local', modelPath: MODEL, threads: 1, ...(concurrency !== undefined ? { concurrency } : {}), ...(sequences !== undefined ? { sequences } : {}) });
  const server = await startOpenAIServer({ backend: local, model: 'stories260K', port: 0, ...(concurrency !== undefined ? { concurrency } : {}) });
  const viaServe = createOpenAIBackend({ id: 'serve', kind: 'openai', baseURL: server.url }, { apiKey: async () => undefined });
  return {
    local, server, viaServe,
    close: async () => {
      await server.close();
      await local.dispose();
    },
  };
}
