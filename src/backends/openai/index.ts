// The OpenAI-protocol backends: `openai` (OpenAI and every compatible server) and `azure-openai`.
export { createAzureOpenAIBackend, createOpenAIBackend, DEFAULT_AZURE_API_VERSION, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './openaiBackend';
export { OPENAI_SUPPORTS, chatCompletionParams } from './requestParams';
export { MAX_RETRY_AFTER_MS } from './transport';
export { SET_API_KEY_COMMAND } from './failures';
