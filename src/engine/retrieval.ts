// Retrieval before rendering (`promptlab.retrieve`), the same for every host: the host gives the
// folder to search (EngineHost.retrievalSource), core chunks and ranks its files (BM25, through
// MiniSearch: core/patterns/retrieval), and the best passages fill the input the spec names. The
// same ranking backs an agent's `search` tool, so a prompt with the spec but no `query` still gets
// a Retriever.
//
// Every failure a user can fix (a bad spec, a glob matching no file, no folder to search, the query
// input missing) is a RetrievalError whose message names the prompt file and says what to do.
import { analyzeFrontmatter } from '../core/check/frontmatterCache';
import { retrieverOver } from '../core/patterns/retrieval/retriever';
import { retrieveSpecOf, RetrieveSpecError, type RetrieveSpec } from '../core/patterns/retrieveSpec';
import type { Retriever, RetrievalTrace } from '../core/patterns/trace';
import { readPromptSource } from '../core/promptSource';
import type { EngineHost, PromptFile } from './host';

export interface PreparedRetrieval {
  /** The inputs with the `into` input filled by the ranked passages (an array of
   * { file, startLine, endLine, score, text }); the same object when nothing was retrieved. */
  inputs: Record<string, unknown>;
  /** What retrieval did, for the result's trace (runPattern's `request.retrieval`). */
  retrieval?: RetrievalTrace;
  /** Ranks the prompt's files for an agent's `search` tool (runPattern's `options.retrieve`);
   * present whenever the prompt has `promptlab.retrieve`, even without `query`. */
  retriever?: Retriever;
}

/** A user's mistake or an unavailable source: the message names the prompt file and says what to do
 * (bad spec, glob matching no file, no folder to search, the query input missing). Hosts show it like
 * any input problem (CLI exit 1; editor error message; a failed comparison/eval cell). */
export class RetrievalError extends Error {}

/** Before rendering: when `ext['promptlab.retrieve']` is set, rank its files for the value of the
 * input named by `query` and put the best `top` passages into the input named by `into`. */
export async function prepareRetrieval(
  host: EngineHost, prompt: PromptFile, ext: Record<string, unknown> | undefined,
  inputs: Record<string, unknown>, signal?: AbortSignal): Promise<PreparedRetrieval> {
  let spec: RetrieveSpec | undefined;
  try {
    spec = retrieveSpecOf(ext);
  } catch (error) {
    if (error instanceof RetrieveSpecError) throw new RetrievalError(`${prompt.fileName}: ${error.message}. Run 'Prompt Lab: Check' (prompt-lab check) to see where.`);
    throw error;
  }
  if (!spec) return { inputs };
  const source = host.retrievalSource?.(prompt.ref);
  if (!source) {
    throw new RetrievalError(`${prompt.fileName} retrieves passages from ${spec.from.join(', ')}, but it has no folder to search: save it inside a workspace folder (the CLI searches its working folder).`);
  }
  // MiniSearch and the index code load only for a prompt that retrieves.
  const { NoFileMatches, corpusIndex } = await import('../core/patterns/retrieval/index');
  const index = corpusIndex(source, spec.from, spec.chunk);
  const rank = retrieverOver(index);
  const retriever: Retriever = async (query, top, querySignal) => {
    try {
      return await rank(query, top, querySignal);
    } catch (error) {
      if (error instanceof NoFileMatches) {
        throw new RetrievalError(`${prompt.fileName}: the glob '${error.glob}' of promptlab.retrieve matches no file in ${error.root}. Globs are relative to that folder (e.g. "docs/**/*.md"); fix the glob or add the files.`);
      }
      throw error;
    }
  };
  if (spec.query === undefined || spec.into === undefined) return { inputs, retriever };
  const query = queryOf(prompt, inputs, spec.query);
  if (typeof query !== 'string' || query.trim() === '') {
    const what = query === undefined ? 'has no value' : typeof query === 'string' ? 'is empty' : 'is not text';
    throw new RetrievalError(`${prompt.fileName}: promptlab.retrieve ranks passages for the input '${spec.query}', which ${what}: give '${spec.query}' the question to search for.`);
  }
  const started = performance.now();
  const passages = await retriever(query, spec.top, signal);
  const retrieval: RetrievalTrace = {
    from: spec.from, query, into: spec.into, passages,
    files: index.fileCount, chunks: index.chunkCount, durationMs: Math.round(performance.now() - started),
  };
  return { inputs: { ...inputs, [spec.into]: passages }, retrieval, retriever };
}

/** The query input's value: as given, else its `input.default` (rendering would use that too). */
function queryOf(prompt: PromptFile, inputs: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(inputs, name)) return inputs[name];
  const frontmatter = readPromptSource(prompt.text).frontmatter;
  const defaults = frontmatter ? analyzeFrontmatter(frontmatter.text).info.defaults : undefined;
  return defaults && Object.hasOwn(defaults, name) ? defaults[name] : undefined;
}
