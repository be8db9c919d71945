// How the Prompts view groups a workspace's `.prompt` files: each prompt with its variants
// (`story.formal.prompt` beside `story.prompt`) under it, partials (`_name.prompt`) apart. A file
// named like a variant whose prompt is not beside it is a prompt of its own. Pure: the extension
// finds the files, this decides the shape.
import { PROMPT_FILE_EXTENSION, variantsAmong, variantFileName } from './promptFiles';

/** One file as the host found it: its folder (any string the host compares), base name, and the
 * host's own handle for it (a URI). */
export interface CatalogFile<T> {
  folder: string;
  fileName: string;
  handle: T;
}

export interface CatalogPrompt<T> {
  file: CatalogFile<T>;
  /** The prompt's variants, by variant name, sorted. */
  variants: { name: string; file: CatalogFile<T> }[];
}

export interface PromptCatalog<T> {
  /** Sorted by folder, then file name. */
  prompts: CatalogPrompt<T>[];
  partials: CatalogFile<T>[];
}

const byPlace = <T>(a: CatalogFile<T>, b: CatalogFile<T>) => a.folder.localeCompare(b.folder) || a.fileName.localeCompare(b.fileName);

/** Is `fileName` a partial (`_signature.prompt`)? Partials are included, never run on their own. */
export const isPartialFileName = (fileName: string): boolean => fileName.startsWith('_') && fileName.endsWith(PROMPT_FILE_EXTENSION);

export function promptCatalog<T>(files: readonly CatalogFile<T>[]): PromptCatalog<T> {
  const prompts = files.filter((file) => file.fileName.endsWith(PROMPT_FILE_EXTENSION));
  const partials = prompts.filter((file) => isPartialFileName(file.fileName)).sort(byPlace);
  const byFolder = new Map<string, Map<string, CatalogFile<T>>>();
  for (const file of prompts) {
    if (isPartialFileName(file.fileName)) continue;
    const folder = byFolder.get(file.folder) ?? new Map<string, CatalogFile<T>>();
    folder.set(file.fileName, file);
    byFolder.set(file.folder, folder);
  }
  const result: CatalogPrompt<T>[] = [];
  for (const folder of byFolder.values()) {
    const names = [...folder.keys()];
    // A file is a variant when the prompt it varies is beside it; `a.b.c.prompt` is a variant of
    // `a.b.prompt` (the longest stem present), never of `a.prompt` too.
    const parentOf = new Map<string, string>();
    for (const name of names) {
      for (const variant of variantsAmong(name, names)) {
        const file = variantFileName(name, variant);
        const current = parentOf.get(file);
        if (current === undefined || current.length < name.length) parentOf.set(file, name);
      }
    }
    for (const name of names) {
      if (parentOf.has(name)) continue;
      const variants = variantsAmong(name, names)
        .filter((variant) => parentOf.get(variantFileName(name, variant)) === name)
        .map((variant) => ({ name: variant, file: folder.get(variantFileName(name, variant))! }));
      result.push({ file: folder.get(name)!, variants });
    }
  }
  result.sort((a, b) => byPlace(a.file, b.file));
  return { prompts: result, partials };
}
