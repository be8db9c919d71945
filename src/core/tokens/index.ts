// Token counting: which encoding a model uses, a tokenizer per encoding, and chat-message counts.
export { chooseEncoding, modelName } from './encodings';
export type { EncodingName, TokenizerChoice } from './encodings';
export { getTokenizer } from './tokenizer';
export type { Tokenizer } from './tokenizer';
export { countChatTokens, openAiRole, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, TOKENS_PER_NAME } from './chat';
export type { ChatMessageText, ChatTokenCount } from './chat';
export { chatTokenGroups, groupTokens, promptTokenGroups, groupCount, piecesInProcess, TOKEN_GROUP_ORDER } from './tokenGroups';
export type { PiecesOf, TokenGroup, TokenGroupName, PromptTokenGroups } from './tokenGroups';
