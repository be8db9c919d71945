// The "Prompt Lab" output channel: one line per run and backend notes, timestamped. Every line is
// scrubbed of API keys handed out in this session before it is written.
import * as vscode from 'vscode';

export class OutputLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Prompt Lab');

  constructor(private readonly redact: (text: string) => string = (text) => text) {}

  line(message: string): void {
    this.channel.appendLine(`[${new Date().toISOString()}] ${this.redact(message)}`);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
