// What the eval view's buttons do on the host: stop, rerun failed, and export (Markdown, CSV, JSON,
// JUnit XML through a save dialog). The record exported is the host's own, never the webview's.
import * as vscode from 'vscode';
import { evalToCsv, evalToJson, evalToJunit, evalToMarkdown, type EvalRecord } from '../../core/eval';
import { EVAL_EXPORT_FORMATS, type EvalExportFormat } from '../../shared/protocol';
import { Commands } from '../commands';
import type { PanelActions } from '../panel/promptLabPanel';
import type { EvalSessions } from './evalSessions';

const FORMATS: Record<EvalExportFormat, { extension: string; filter: string; write(record: EvalRecord): string }> = {
  markdown: { extension: 'md', filter: 'Markdown', write: evalToMarkdown },
  csv: { extension: 'csv', filter: 'CSV', write: evalToCsv },
  json: { extension: 'json', filter: 'JSON', write: evalToJson },
  junit: { extension: 'xml', filter: 'JUnit XML', write: evalToJunit },
};

/** `story.eval-20261130-1942.md` beside the prompt (or in the first workspace folder). */
function defaultTarget(record: EvalRecord, format: EvalExportFormat): vscode.Uri | undefined {
  const stamp = record.createdAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  const name = `${record.prompt.fileName.replace(/\.prompt$/, '')}.eval-${stamp}.${FORMATS[format].extension}`;
  const file = vscode.Uri.parse(record.prompt.file);
  if (file.scheme === 'file') return vscode.Uri.joinPath(file, '..', name);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder && vscode.Uri.joinPath(folder, name);
}

/** Writes `record` as `format` to `target`, or where the user chooses; the file written, if any. */
async function exportEval(record: EvalRecord | undefined, format: EvalExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!record) {
    void vscode.window.showWarningMessage('Prompt Lab: that eval is no longer available to export; run it again.');
    return undefined;
  }
  const spec = FORMATS[format];
  try {
    const uri = target ?? await vscode.window.showSaveDialog({
      title: `Export eval as ${spec.filter}`,
      defaultUri: defaultTarget(record, format),
      filters: { [spec.filter]: [spec.extension] },
      saveLabel: 'Export',
    });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(spec.write(record)));
    if (!target) {
      const open = 'Open';
      void vscode.window.showInformationMessage(`Prompt Lab: saved the eval to ${vscode.workspace.asRelativePath(uri)}.`, open).then((answer) => {
        if (answer === open) void vscode.window.showTextDocument(uri);
      });
    }
    return uri;
  } catch (error) {
    void vscode.window.showErrorMessage(`Prompt Lab: could not save the eval: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export function evalPanelActions(sessions: EvalSessions): Pick<PanelActions, 'stopEval' | 'rerunFailed' | 'exportEval' | 'currentEval'> {
  return {
    stopEval: (id, cell) => sessions.stop(id, cell),
    rerunFailed: (id) => {
      void sessions.rerunFailed(id).then((rerun) => {
        if (rerun === false) void vscode.window.showWarningMessage('Prompt Lab: that eval is not running in this window (it ran before a reload, or was reopened from History); run Evaluate again.');
      });
    },
    exportEval: (id, format) => void exportEval(sessions.find(id), format),
    currentEval: () => sessions.currentStarted(),
  };
}

/** The hidden export command: `(format, target?, id?)`; the latest eval when no id. */
export function registerEvalExportCommand(sessions: EvalSessions): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.exportEval, async (format?: unknown, target?: unknown, id?: unknown): Promise<string | undefined> => {
    if (!EVAL_EXPORT_FORMATS.includes(format as EvalExportFormat)) throw new Error(`format must be one of ${EVAL_EXPORT_FORMATS.join(', ')}`);
    const latest = sessions.current();
    const record = typeof id === 'string' ? sessions.find(id) : latest ? sessions.find(latest.id) : sessions.lastKept();
    const uri = await exportEval(record, format as EvalExportFormat, target instanceof vscode.Uri ? target : undefined);
    return uri?.toString();
  });
}
