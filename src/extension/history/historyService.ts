// The extension's history: one HistoryStore per workspace folder (`<folder>/.promptlab/history`) and
// one in the extension's global storage for untitled prompts and windows without a folder. Runs and
// comparisons are saved when they end (also a stopped one), unless promptLab.history.enabled is off;
// the History view lists every store's records, and the panel's feedback goes to the store that
// holds the record. Saving is queued on the store (it serializes on a later tick): the caller never
// waits for the disk.
import * as vscode from 'vscode';
import { mergedEntries } from '../../core/history/listing';
import { DEFAULT_HISTORY_ENABLED, DEFAULT_MAX_RECORDS, HISTORY_FOLDER, HISTORY_SETTINGS } from '../../core/history/settings';
import { Slicer } from '../../core/history/slices';
import type { Feedback, HistoryEntry, HistoryRecord, SavedRecord } from '../../core/history/types';
import { HistoryStore } from '../../engine/history/historyStore';
import { DisposableStore } from '../disposables';

/** An entry of the History view, with the store that holds it. */
export interface ListedEntry extends HistoryEntry {
  store: HistoryStore;
}

export class HistoryService implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly stores = new Map<string, HistoryStore>();
  private readonly changed = this.disposables.add(new vscode.EventEmitter<void>());
  /** Something was saved, rated or deleted. */
  readonly onDidChange = this.changed.event;
  /** Saves under way, by record id: feedback on a record just finished waits for its save. */
  private readonly saving = new Map<string, Promise<unknown>>();
  /** Which store holds a record, from the last list or save. */
  private readonly located = new Map<string, HistoryStore>();

  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly redact: (text: string) => string,
    private readonly log: (line: string) => void,
  ) {
    this.disposables.add(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(HISTORY_SETTINGS.maxRecords)) this.stores.clear();
    }));
  }

  get enabled(): boolean {
    return vscode.workspace.getConfiguration().get<boolean>(HISTORY_SETTINGS.enabled, DEFAULT_HISTORY_ENABLED) !== false;
  }

  /** The store for a prompt's records: its workspace folder's, or the global one. */
  storeFor(promptRef: string): HistoryStore {
    let folder: vscode.WorkspaceFolder | undefined;
    try {
      folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(promptRef, true));
    } catch {
      folder = undefined;
    }
    return this.storeAt(folder?.uri.scheme === 'file' ? vscode.Uri.joinPath(folder.uri, HISTORY_FOLDER) : vscode.Uri.joinPath(this.globalStorage, 'history'));
  }

  /** Every store there is: each local workspace folder's, and the global one. */
  allStores(): HistoryStore[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
    return [...folders.map((folder) => this.storeAt(vscode.Uri.joinPath(folder.uri, HISTORY_FOLDER))), this.storeAt(vscode.Uri.joinPath(this.globalStorage, 'history'))];
  }

  private storeAt(dir: vscode.Uri): HistoryStore {
    const key = dir.fsPath;
    let store = this.stores.get(key);
    if (!store) {
      const maxRecords = vscode.workspace.getConfiguration().get<number>(HISTORY_SETTINGS.maxRecords, DEFAULT_MAX_RECORDS);
      store = new HistoryStore({
        dir: key,
        maxRecords: Number.isInteger(maxRecords) && maxRecords >= 1 ? maxRecords : DEFAULT_MAX_RECORDS,
        redact: this.redact,
        warn: (message) => this.log(`history: ${message}`),
      });
      this.stores.set(key, store);
    }
    return store;
  }

  /** Saves a record in its prompt's store, unless history is off. Never throws: a failure is logged. */
  save(record: HistoryRecord & { prompt?: { file?: string } }): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    const store = this.storeFor(record.prompt?.file ?? '');
    const saving = store.save(record).then(() => {
      this.located.set(record.id, store);
      this.changed.fire();
    }, (error: unknown) => this.log(`history: ${record.kind} ${record.id} not saved: ${error instanceof Error ? error.message : String(error)}`));
    this.saving.set(record.id, saving);
    void saving.finally(() => { if (this.saving.get(record.id) === saving) this.saving.delete(record.id); });
    return saving;
  }

  /** Every record of every store, newest first. The view lists again after every save: the
   * 10,000 entries of a full history are gone over in time-boxed slices (core/history/listing). */
  async list(): Promise<ListedEntry[]> {
    const lists = await Promise.all(this.allStores().map(async (store) => ({
      store,
      entries: await store.list().catch((error: unknown) => {
        this.log(`history: ${store.dir} not read: ${error instanceof Error ? error.message : String(error)}`);
        return [] as HistoryEntry[];
      }),
    })));
    const slicer = new Slicer();
    const all = await mergedEntries(lists, slicer);
    for (const entry of all) {
      this.located.set(entry.id, entry.store);
      if (slicer.due()) await slicer.yield();
    }
    return all;
  }

  /** The store holding record `id` (its save awaited first), if any. */
  private async locate(id: string): Promise<HistoryStore | undefined> {
    await this.saving.get(id);
    const known = this.located.get(id);
    if (known) return known;
    await this.list();
    return this.located.get(id);
  }

  async get(id: string): Promise<SavedRecord | undefined> {
    const store = await this.locate(id);
    return store?.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const store = await this.locate(id);
    if (!store) return false;
    const deleted = await store.delete(id);
    this.located.delete(id);
    this.changed.fire();
    return deleted;
  }

  /** Sets a completion's feedback; throws with a message for the user when it cannot be kept. */
  async setFeedback(id: string, completion: string, feedback: Feedback): Promise<SavedRecord> {
    const store = await this.locate(id);
    if (!store) {
      throw new Error(this.enabled
        ? 'this completion is not in the history (it was deleted, or ran before history was on)'
        : 'history is off (promptLab.history.enabled): ratings are kept in history records');
    }
    const saved = await store.setFeedback(id, completion, feedback);
    this.changed.fire();
    return saved;
  }

  /** The record's JSON file. */
  async fileOf(id: string): Promise<vscode.Uri | undefined> {
    const store = await this.locate(id);
    return store && vscode.Uri.file(store.recordFile(id));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
