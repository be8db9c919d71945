// The backend implementations this build of the extension includes, by kind (`vscode-lm` only here:
// it needs VS Code). Kept apart so the
// registry's wiring does not depend on which backend modules exist.
import type { BackendKind } from '../../backends/backendConfig';
import { createLocalBackend } from '../../backends/local/localBackend';
import { createAzureOpenAIBackend, createOpenAIBackend } from '../../backends/openai';
import type { BackendFactory } from '../../backends/registry';
import { createVscodeLmBackend } from './vscodeLmBackend';

export const BACKEND_FACTORIES: Partial<Record<BackendKind, BackendFactory>> = {
  openai: createOpenAIBackend,
  'azure-openai': createAzureOpenAIBackend,
  local: createLocalBackend,
  'vscode-lm': createVscodeLmBackend,
};
