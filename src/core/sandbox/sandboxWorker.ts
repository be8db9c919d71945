// The worker thread the sandbox runs in (bundled alone as dist/sandboxWorker.js). Untrusted code
// runs here, inside QuickJS, never in the extension host's or the CLI's thread: a native call that
// ignores the interrupt deadline blocks only this thread, and the host ends it (sandbox.ts).
import { parentPort } from 'node:worker_threads';
import { loadQuickJS } from './quickjs';
import { runJob } from './runJob';
import type { JobReply, JobRequest } from './sandboxWorkerProtocol';

if (!parentPort) throw new Error('sandboxWorker.js runs only as a worker thread');
const port = parentPort;
const reply = (message: JobReply) => port.postMessage(message);

// The module is compiled at start, before the first job: its deadline does not pay for it. A
// failed load is reported by the job that awaits it (withSandbox), not here.
const loading = loadQuickJS().catch(() => undefined);

port.on('message', async ({ id, job, limits }: JobRequest) => {
  await loading;
  reply({ id, started: true });
  reply({ id, outcome: await runJob(job, limits) });
});
