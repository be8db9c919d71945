import { generationConfigOf, mergeGenerationConfig, unsupportedSettings } from '../../core/generationConfig';
import { agentSpecOf } from '../../core/patterns/agentSpec';
import { executeSpecOf } from '../../core/patterns/executeSpec';
import { runPattern } from '../../engine/patternRun';
import { parseArgs } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';
import { RENDER_USAGE } from '../renderOptions';
import { runRecordOf } from '../../core/history/records';
import { SAVE_HISTORY_OPTIONS, SAVE_HISTORY_USAGE, saveToHistory } from '../history';
import { defaultOutputCap, emptyPromptWarning, outputCapNote, overridesOf, resolveCliTarget, RUN_OPTIONS } from '../runTarget';
import { eventText, retrievalLines } from '../patternLines';
import { PROBABILITIES_LEGEND, tokenWithProbability, withProbabilities } from './runProbabilities';

/** Exit code of a run stopped with Ctrl+C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Run a .prompt file on a model backend and stream the completion',
  usage: `Usage: prompt-lab run <file> [--backend id | --base-url URL --api-key-env VAR] [--model m] [--model-path file.gguf]
                      [--temperature t] [--top-p p] [--top-k k] [--max-tokens n] [--seed s] [--stop s]… [--logprobs k]
                      [--config file] [--show-probabilities] [--json]
                      [--input key=value]… [--input-file data.json] [--input-value text] [--variant v] [--shots n] [--prompts-dir dir]…
                      [--history | --no-history] [--history-dir dir]

  --backend <id>        A backend from promptlab.config.json, or 'local' (default: the file's
                        model: provider/name, else the config's defaultBackend, else local)
  --base-url <url>      An OpenAI-compatible server instead (e.g. http://127.0.0.1:8080/v1)
  --api-key-env <VAR>   The environment variable holding its API key (a name ending in _API_KEY)
  --model <name>        The model (default: the file's, else the backend's defaultModel)
  --model-path <file>   The GGUF file for the local backend (else modelPath, else $PROMPT_LAB_MODEL)
  --config <file>       The backends file (default: ./promptlab.config.json, which sends no API key
                        until trusted: this flag, or 'prompt-lab trust')
  --temperature <t>     0–2            --top-p <p>    0–1           --top-k <k>   ≥ 1
  --max-tokens <n>      ≥ 1            --seed <s>     whole number  --stop <s>    a stop sequence (repeatable)
  --logprobs <k>        Ask for log-probabilities with k alternatives per token (0–20)
  --show-probabilities  Print each token's probability after it, in % as subscript digits (the₆₄)
${RENDER_USAGE}
  --json                Print the result record (text, finishReason, usage, timings, logprobs, parameters,
                        and the trace of an agent, a program or retrieval)
${SAVE_HISTORY_USAGE}

The completion streams to stdout; warnings and a summary go to stderr. An agent (promptlab.agent) or
a program (promptlab.execute) prints its final answer to stdout and its steps, code and retrieved
passages to stderr as they happen. Ctrl+C stops the run and
keeps what was generated (exit 130). Exit 1 when the prompt or the backend fails.`,
  async run(args, io) {
    const parsed = parseArgs(args, { ...RUN_OPTIONS, ...SAVE_HISTORY_OPTIONS, 'show-probabilities': {} });
    const showProbabilities = parsed.flags.has('show-probabilities');
    const flags = showProbabilities ? withProbabilities(overridesOf(parsed)) : overridesOf(parsed);
    const target = await resolveCliTarget(parsed, io, 'run');
    if (typeof target === 'number') return target;
    const { prepared, prepared: { rendered, retrieved, target: { backendId, model } }, host, registry } = target;
    const empty = emptyPromptWarning('run', rendered);
    if (empty) io.stderr(empty);
    const cap = defaultOutputCap(rendered.config, flags);
    if (cap !== undefined) io.stderr(outputCapNote('run', cap));
    const overrides = cap !== undefined ? { ...flags, maxOutputTokens: cap } : flags;
    const backend = host.backends.get(backendId);
    const json = parsed.flags.has('json');

    // Warn before the run starts, so a user sees a dropped setting while the text streams.
    const merged = mergeGenerationConfig(generationConfigOf(rendered.config), overrides);
    const early = unsupportedSettings(merged, backend.supports, backend.id);
    for (const warning of early) io.stderr(`prompt-lab run: warning: ${warning}\n`);

    // An agent's steps and a program's completion are the way, not the answer: stdout gets the answer.
    const pattern = agentSpecOf(rendered.ext) !== undefined || executeSpecOf(rendered.ext) !== undefined;
    const events = (line: string) => { if (!json) io.stderr(line); };
    if (retrieved?.retrieval) events(retrievalLines(retrieved.retrieval).map((line) => `prompt-lab run: ${line}\n`).join(''));

    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    let endsWithNewline = true;
    try {
      const result = await runPattern(backend, { rendered, model, overrides, ...(retrieved?.retrieval ? { retrieval: retrieved.retrieval } : {}) }, {
        signal: controller.signal,
        allowCode: true,
        ...(retrieved?.retriever ? { retrieve: retrieved.retriever } : {}),
        onEvent: (event) => events(eventText('prompt-lab run: ', event)),
        onToken: json || pattern ? undefined : (token) => {
          if (!token.text) return;
          const shown = showProbabilities ? tokenWithProbability(token) : token.text;
          io.stdout(shown);
          endsWithNewline = shown.endsWith('\n');
        },
      });
      for (const warning of result.warnings.filter((w) => !early.includes(w))) io.stderr(`prompt-lab run: warning: ${warning}\n`);
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.text || !result.error) {
        if (pattern && !result.error) {
          io.stdout(result.text);
          endsWithNewline = result.text.endsWith('\n');
        }
        if (!endsWithNewline) io.stdout('\n');
        const speed = result.tokensPerSecond ? ` · ${result.tokensPerSecond.toFixed(0)} tokens/s` : '';
        io.stderr(`[${result.backend}/${result.model} · finish: ${result.finishReason} · ${result.usage.promptTokens} + ${result.usage.completionTokens} tokens${result.usage.estimated ? ' (estimated)' : ''} · ${Math.round(result.latencyMs)} ms${speed}]\n`);
      }
      if (showProbabilities && !json) io.stderr(result.logprobs?.length ? `(${PROBABILITIES_LEGEND})\n` : `prompt-lab run: backend '${result.backend}' gave no probabilities\n`);
      if (result.error) io.stderr(`prompt-lab run: error: ${result.error.message}\n`);
      await saveToHistory(parsed, io, 'run', runRecordOf({
        file: prepared.ref, fileName: prepared.fileName, text: prepared.text, messages: rendered.text,
        ...(prepared.request.input ? { inputs: prepared.request.input } : {}),
        backend: result.backend, model: result.model, settings: overrides, result,
      }));
      if (result.finishReason === 'abort') return INTERRUPTED;
      return result.error ? ExitCode.findings : ExitCode.ok;
    } finally {
      process.off('SIGINT', onInterrupt);
      await registry.dispose();
    }
  },
};
