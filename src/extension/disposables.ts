import type * as vscode from 'vscode';

/** Owns listeners and resources so that one `dispose()` releases all of them, once. */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Reverse order: what was set up last is torn down first.
    for (const item of this.items.splice(0).reverse()) item.dispose();
  }
}
