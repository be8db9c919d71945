// What the panel's comparison buttons do on the host: export the record (Markdown, CSV or JSON,
// through a save dialog), copy a cell's text, stop and rerun. The record exported is the host's
// own copy, never what the webview sends back.
import * as vscode from 'vscode';
import type { ComparisonRecord } from '../../core/comparison';
import { comparisonToCsv, comparisonToJson, comparisonToMarkdown } from '../../core/comparisonExport';
import type { ExportFormat } from '../../shared/protocol';
import { EXPORT_FORMATS } from '../../shared/protocol';
import { Commands } from '../commands';
import type { PanelActions } from '../panel/promptLabPanel';
import type { ComparisonSessions } from './comparisonSessions';

const FORMATS: Record<ExportFormat, { extension: string; filter: string; write(record: ComparisonRecord): string }> = {
  markdown: { extension: 'md', filter: 'Markdown', write: comparisonToMarkdown },
  csv: { extension: 'csv', filter: 'CSV', write: comparisonToCsv },
  json: { extension: 'json', filter: 'JSON', write: comparisonToJson },
};

/** `story.comparison-20261130-1942.md` beside the prompt (or in the first workspace folder). */
function defaultTarget(record: ComparisonRecord, format: ExportFormat): vscode.Uri | undefined {
  const stamp = record.createdAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  const name = `${record.prompt.fileName.replace(/\.prompt$/, '')}.comparison-${stamp}.${FORMATS[format].extension}`;
  const file = vscode.Uri.parse(record.prompt.file);
  if (file.scheme === 'file') return vscode.Uri.joinPath(file, '..', name);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder && vscode.Uri.joinPath(folder, name);
}

/** Writes `record` as `format` to `target`, or where the user chooses; the file written, if any. */
export async function exportComparison(record: ComparisonRecord, format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const spec = FORMATS[format];
  const uri = target ?? await vscode.window.showSaveDialog({
    title: `Export comparison as ${spec.filter}`,
    defaultUri: defaultTarget(record, format),
    filters: { [spec.filter]: [spec.extension] },
    saveLabel: 'Export',
  });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(spec.write(record)));
  return uri;
}

async function exportWithMessages(record: ComparisonRecord | undefined, format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!record) {
    void vscode.window.showWarningMessage('Prompt Lab: that comparison is no longer available to export; run it again.');
    return undefined;
  }
  try {
    const uri = await exportComparison(record, format, target);
    if (uri && !target) {
      const open = 'Open';
      void vscode.window.showInformationMessage(`Prompt Lab: saved the comparison to ${vscode.workspace.asRelativePath(uri)}.`, open).then((answer) => {
        if (answer === open) void vscode.window.showTextDocument(uri);
      });
    }
    return uri;
  } catch (error) {
    void vscode.window.showErrorMessage(`Prompt Lab: could not save the comparison: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export type ComparisonPanelActions = Pick<PanelActions, 'stopComparison' | 'rerunColumn' | 'exportComparison' | 'copyCell' | 'currentComparison'>;

export function comparisonPanelActions(sessions: ComparisonSessions): ComparisonPanelActions {
  return {
    stopComparison: (id, cell) => sessions.stop(id, cell),
    rerunColumn: (id, column) => {
      void sessions.rerunColumn(id, column).then((rerun) => {
        if (!rerun) void vscode.window.showWarningMessage('Prompt Lab: that comparison ran before the window was reloaded; run the comparison again to rerun a column.');
      });
    },
    exportComparison: (id, format) => void exportWithMessages(sessions.find(id), format),
    copyCell: (id, cell) => {
      const text = sessions.find(id)?.cells[cell]?.text;
      if (text === undefined) return;
      void vscode.env.clipboard.writeText(text).then(() => vscode.window.setStatusBarMessage('Prompt Lab: copied the completion', 2000));
    },
    currentComparison: () => sessions.currentStarted(),
  };
}

/** The hidden export command: `(format, target?, id?)`; the latest comparison when no id. */
export function registerExportCommand(sessions: ComparisonSessions): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.exportComparison, async (format?: unknown, target?: unknown, id?: unknown): Promise<string | undefined> => {
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new Error(`format must be one of ${EXPORT_FORMATS.join(', ')}`);
    const record = typeof id === 'string' ? sessions.find(id) : sessions.current() ?? sessions.lastKept();
    const uri = await exportWithMessages(record, format as ExportFormat, target instanceof vscode.Uri ? target : undefined);
    return uri?.toString();
  });
}
