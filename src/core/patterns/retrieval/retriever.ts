// The Retriever (trace.ts) of a prompt's `promptlab.retrieve`: what the agent's `search` tool and
// retrieval before rendering both rank through.
import type { Retriever } from '../trace';
import type { CorpusIndex } from './index';

export function retrieverOver(index: CorpusIndex): Retriever {
  return (query, top, signal) => index.query(query, top, signal);
}
