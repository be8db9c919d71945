// Retrieval's files in a real VS Code: the workspace folder's source lists with findFiles, reads
// through workspace.fs, skips a symbolic link that leads out of the workspace, and its watcher makes
// an edit show in the next query.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CorpusIndex } from '../../../src/core/patterns/retrieval/index';
import { WorkspaceRetrievalSources } from '../../../src/extension/retrieval/workspaceSource';
import { eventually } from '../language/helpers';

describe('retrieval: the workspace folder as a source', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  const docs = () => path.join(folder().fsPath, 'retrieval-it');
  const sources = new WorkspaceRetrievalSources();

  before(() => {
    rmSync(docs(), { recursive: true, force: true });
    mkdirSync(docs());
    writeFileSync(path.join(docs(), 'comets.md'), '# Comets\n\nHalley\'s comet returns every 76 years.\n');
    // test/fixtures/summarize.prompt is beside the workspace folder, outside it.
    symlinkSync(path.join('..', '..', 'summarize.prompt'), path.join(docs(), 'leak.md'));
  });

  after(() => {
    sources.dispose();
    rmSync(docs(), { recursive: true, force: true });
  });

  it('ranks workspace files, skips a link out of the workspace and sees an edit on a later query', async () => {
    const source = sources.sourceFor(vscode.Uri.joinPath(folder(), 'story.prompt').toString())!;
    assert.ok(source, 'a prompt in the workspace has a folder to search');
    assert.equal(sources.sourceFor(vscode.Uri.joinPath(folder(), 'tale.prompt').toString()), source, 'one source per folder');
    const index = new CorpusIndex(source, ['retrieval-it/**/*.md'], 800);
    const passages = await index.query('Halley comet', 4);
    assert.deepEqual(passages.map((p) => [p.file, p.startLine, p.endLine]), [['retrieval-it/comets.md', 1, 3]]);
    assert.equal(await source.read('retrieval-it/leak.md'), undefined, 'the link out is not read');
    assert.equal(index.fileCount, 1);

    // Other suites write in this workspace folder, and a write can reach the watcher as more than one
    // event (truncated, then written): a change elsewhere, or the first of those, may come before this
    // edit is whole. What the index promises is that a query after the edit's events sees it.
    const stamp = async () => (await source.list('retrieval-it/comets.md'))[0]?.stamp;
    const before = await stamp();
    writeFileSync(path.join(docs(), 'comets.md'), '# Comets\n\nEncke\'s comet returns every 3.3 years.\n');
    await eventually('the watcher to see the edit of comets.md', async () => (await stamp()) !== before);
    const found = await eventually('a later query to find the new text', async () => {
      const files = (await index.query('Encke', 4)).map((p) => p.file);
      return files.length > 0 && files;
    });
    assert.deepEqual(found, ['retrieval-it/comets.md']);
    assert.deepEqual(await index.query('Halley', 4), [], 'the old text is gone from the index');
  });
});
