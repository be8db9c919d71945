// Every message between TokenCountService (extension host thread) and tokenWorker.ts (its worker
// thread), typed once for both sides. Replies carry the id of the request they answer.
import type { EncodingName } from '../../core/tokens';

/** What a caller asks for: the token count of each text, in one encoding. */
export interface TokenCountRequest {
  encoding: EncodingName;
  texts: string[];
  /** Also each text's tokens (id and text), for showing them: the panel's token chips. */
  pieces?: boolean;
}

/** One token of a text: the tokenizer's id and its text (see Tokenizer.pieces). */
export interface WorkerPiece { id: number; text: string }

/** host → worker */
export interface WorkerRequest extends TokenCountRequest {
  /** Unique per service; the reply echoes it. */
  id: number;
}

/** worker → host: the counts, one per text and in the same order, or why there are none. */
export type WorkerReply =
  | { id: number; ok: true; counts: number[]; pieces?: WorkerPiece[][] }
  | { id: number; ok: false; error: string };
