// The worker thread behind TokenCountService (bundled alone as dist/tokenWorker.js). Loading a
// token table and counting a 50 KB prompt take milliseconds to tens of them: here neither stalls
// the extension host. No `vscode` here: a worker thread has no `vscode` module.
import { parentPort } from 'node:worker_threads';
import { getTokenizer } from '../../core/tokens';
import type { WorkerReply, WorkerRequest } from './tokenWorkerProtocol';

if (!parentPort) throw new Error('tokenWorker.js runs only as a worker thread');
const port = parentPort;

port.on('message', ({ id, encoding, texts, pieces }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const tokenizer = getTokenizer(encoding);
    reply = { id, ok: true, counts: texts.map((text) => tokenizer.count(text)) };
    if (pieces) {
      reply.pieces = texts.map((text) => tokenizer.tokens(text));
    }
  } catch (error) {
    // A bad request fails alone; the worker stays up for the next one.
    reply = { id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
