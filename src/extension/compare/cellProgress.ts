// The notification a comparison or an eval shows while its cells run: how many have ended, twice a
// second (cells end faster than a person reads), and Cancel stops the whole run.
import * as vscode from 'vscode';

export function withCellProgress<T>(title: string, cells: readonly { status: string }[], stop: () => void, run: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const cancel = token.onCancellationRequested(stop);
    const ticker = setInterval(() => {
      const ended = cells.filter((cell) => cell.status !== 'queued' && cell.status !== 'running').length;
      progress.report({ message: `${ended}/${cells.length} cells` });
    }, 500);
    try {
      return await run();
    } finally {
      clearInterval(ticker);
      cancel.dispose();
    }
  });
}
