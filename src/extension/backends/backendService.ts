// The configured backends for the extension: a BackendRegistry built from settings, rebuilt when
// they change (the old backends disposed: a warm local model is released), with API keys from
// SecretStorage (see apiKeys.ts) and backend diagnostics going to the output channel.
import * as vscode from 'vscode';
import type { BackendConfig, BackendKind } from '../../backends/backendConfig';
import { BackendRegistry, type BackendFactory } from '../../backends/registry';
import { DisposableStore } from '../disposables';
import { affectsSetting, readBackendSettings, settingId, type BackendSettings } from '../settings';
import type { CountTexts } from '../../core/promptTokens';
import { askAboutOrigin, type ApiKeyStore } from './apiKeys';
import type { OutputLog } from './outputLog';

export class BackendService implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  /** Fires after the registry was rebuilt from changed settings (or trust was granted). */
  readonly onDidChange = this.changed.event;
  private current: { settings: BackendSettings; registry: BackendRegistry };

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: OutputLog,
    private readonly factories: Partial<Record<BackendKind, BackendFactory>>,
    /** Asks for a new key for `config` (Set API Key's prompt); returns it, or undefined when cancelled. */
    private readonly promptForKey: (config: BackendConfig) => Promise<string | undefined>,
    /** Counts tokens off the extension host thread (the token worker), for servers that report no usage. */
    private readonly countTexts?: CountTexts,
  ) {
    this.current = this.build(true);
    this.store.add(vscode.workspace.onDidChangeConfiguration((event) => {
      const keys = ['backends', 'defaultBackend', 'localModelPath', 'localThreads', 'localContextSize'] as const;
      if (keys.some((key) => affectsSetting(event, key))) this.rebuild();
    }));
    // Trust granted: the workspace's own backend settings apply from now on.
    this.store.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.rebuild()));
  }

  get registry(): BackendRegistry {
    return this.current.registry;
  }

  get defaultBackend(): string {
    return this.current.settings.defaultBackend;
  }

  private build(initial: boolean): { settings: BackendSettings; registry: BackendRegistry } {
    const settings = readBackendSettings();
    if (settings.problems.length > 0) {
      const list = settings.problems.map((problem) => `${settingId('backends')}: ${problem.path} ${problem.message}`);
      for (const line of list) this.log.line(`settings: ${line} (entry ignored)`);
      const open = 'Open Settings';
      void vscode.window.showWarningMessage(`Prompt Lab: ${list.join('; ')}. ${settings.problems.length === 1 ? 'That entry is' : 'Those entries are'} ignored.`, open).then((answer) => {
        if (answer === open) void vscode.commands.executeCommand('workbench.action.openSettings', settingId('backends'));
      });
    } else if (!initial) {
      this.log.line(`settings: backends ${settings.backends.map((backend) => backend.id).join(', ')}; default ${settings.defaultBackend}`);
    }
    const registry = new BackendRegistry(settings.backends, this.factories, {
      apiKey: (config, options) => options?.interactive === false ? this.keys.storedKeyFor(config) : this.keys.keyFor(config, askAboutOrigin, this.promptForKey),
      log: (message) => this.log.line(message),
      countTexts: this.countTexts,
    });
    return { settings, registry };
  }

  private rebuild(): void {
    const old = this.current.registry;
    this.current = this.build(false);
    void old.dispose().catch((error: unknown) => this.log.line(`disposing backends failed: ${error instanceof Error ? error.message : String(error)}`));
    this.changed.fire();
  }

  dispose(): void {
    this.store.dispose();
    void this.current.registry.dispose().catch(() => undefined);
  }
}
