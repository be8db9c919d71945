// The worker thread behind TokenCountService (bundled alone as dist/tokenWorker.js). Loading a
// tokenizer blocks for up to a second and counting a 50 KB prompt takes 10-20 ms: here neither
// stalls the extension host or the CLI's streams. No `vscode` here: a worker thread has no `vscode` module.
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
      reply.pieces = texts.map((text) => {
        const ids = tokenizer.encode(text);
        const shown = tokenizer.pieces(text);
        return Array.from(ids, (token, i) => ({ id: token, text: shown[i] ?? '' }));
      });
    }
  } catch (error) {
    // A bad request fails alone; the worker stays up for the next one.
    reply = { id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
