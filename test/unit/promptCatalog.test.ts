// The Prompts view's grouping: variants under the prompt beside them, partials apart, a file named
// like a variant without its prompt is a prompt of its own, folders never mix.
import * as assert from 'node:assert/strict';
import { promptCatalog, type CatalogFile } from '../../src/core/promptCatalog';

const file = (path: string): CatalogFile<string> => {
  const slash = path.lastIndexOf('/');
  return { folder: path.slice(0, slash), fileName: path.slice(slash + 1), handle: path };
};
const shape = (paths: string[]) => {
  const catalog = promptCatalog(paths.map(file));
  return {
    prompts: catalog.prompts.map((prompt) => [prompt.file.handle, prompt.variants.map((variant) => `${variant.name}=${variant.file.handle}`)]),
    partials: catalog.partials.map((partial) => partial.handle),
  };
};

describe('prompt catalog (the Prompts view)', () => {
  it('nests variants under the prompt beside them and keeps partials apart', () => {
    assert.deepEqual(shape(['/w/story.short.prompt', '/w/_sig.prompt', '/w/story.prompt', '/w/story.formal.prompt', '/w/tale.prompt']), {
      prompts: [['/w/story.prompt', ['formal=/w/story.formal.prompt', 'short=/w/story.short.prompt']], ['/w/tale.prompt', []]],
      partials: ['/w/_sig.prompt'],
    });
  });

  it('lists a variant-like name whose prompt is elsewhere as a prompt of its own', () => {
    assert.deepEqual(shape(['/w/a/story.prompt', '/w/b/story.formal.prompt']).prompts, [['/w/a/story.prompt', []], ['/w/b/story.formal.prompt', []]]);
  });

  it('ignores other files and names that are no variant names', () => {
    assert.deepEqual(shape(['/w/story.prompt', '/w/story.a.b.prompt', '/w/notes.md', '/w/story.prompt.md']).prompts, [
      ['/w/story.a.b.prompt', []],
      ['/w/story.prompt', []],
    ]);
  });

  it('gives an empty catalog for no files', () => {
    assert.deepEqual(shape([]), { prompts: [], partials: [] });
  });
});
