// Which local tokenizer a prompt's tokens come from: the engine's one target resolution (runTarget.ts)
// over the configured backends; when the prompt runs on a local backend, that backend instance
// tokenizes (its model process is the one runs use, so a warm model is not loaded twice).
import { LocalBackend, MODEL_PATH_ENV, resolveModelPath } from '../../backends/local/localBackend';
import { localTokenizerName, type LocalTokenizerOf } from '../language/localTokenizer';
import type { BackendService } from './backendService';
import { runTargetOf } from './runTarget';

export function promptLocalTokenizer(backends: BackendService): LocalTokenizerOf {
  return (model) => {
    const target = runTargetOf(backends, model);
    if (target.config?.kind !== 'local') return undefined;
    const where = resolveModelPath(target.config);
    // No model file to load: the chips fall back to tiktoken and say why, naming the file asked for.
    if ('error' in where) {
      const given = target.config.modelPath ?? process.env[MODEL_PATH_ENV];
      return { name: given ? localTokenizerName(given) : 'local model\'s tokenizer', tokenize: () => Promise.reject(new Error(where.error)) };
    }
    const backend = backends.registry.get(target.backendId);
    if (!(backend instanceof LocalBackend)) return undefined;
    return { name: localTokenizerName(where.path), tokenize: (messages) => backend.tokenizePrompt(messages) };
  };
}
