// The history record of a run the extension ran: the run's id (the panel's ratings name it), the
// prompt as sent, the inputs as given and its result as the panel showed it.
import { runRecordOf } from '../../core/history/records';
import type { RunRecord } from '../../core/history/types';
import type { PreparedPrompt } from '../run/preparePrompt';
import type { RunOutcome } from '../run/runCommand';

export function historyRecordOfRun(prepared: PreparedPrompt, outcome: Exclude<RunOutcome, { status: 'not-run' }>): RunRecord {
  return runRecordOf({
    id: outcome.id,
    file: prepared.ref, fileName: prepared.fileName, text: prepared.text, messages: prepared.rendered.text,
    ...(prepared.request.input ? { inputs: prepared.request.input } : {}),
    backend: prepared.target.backendId, model: prepared.target.model, settings: {},
    result: outcome.result,
  });
}
