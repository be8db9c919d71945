// `prompt-lab next <file>`: the model's next-token distribution after the rendered prompt (and
// --after text), before and after the sampler's stages, with the settings of the flags, else the
// prompt's config, else none (temperature 1, nothing cut).
import { chatMessagesOf } from '../../backends/runPrompt';
import { generationConfigOf } from '../../core/generationConfig';
import { applySampler, samplerSettingsProblems, type SampledDistribution, type SamplerSettings } from '../../core/sampling';
import { parseArgs, single, UsageError, type ParsedArgs } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode, type CliIO } from '../io';
import { RENDER_USAGE } from '../renderOptions';
import { resolveCliTarget, RUN_OPTIONS } from '../runTarget';
import { visible } from './tokensShow';

const NEXT_OPTIONS = {
  ...RUN_OPTIONS,
  after: { value: true }, top: { value: true }, 'min-p': { value: true }, greedy: {},
};

function numberFlag(parsed: ParsedArgs, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const text = single(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw new UsageError(`--${name} must be ${what}, not '${text}'`);
  return value;
}

/** The sampler's settings: flags, else the prompt's config, else the neutral ones. */
function settingsOf(parsed: ParsedArgs, config: Record<string, unknown> | undefined): SamplerSettings {
  for (const name of ['max-tokens', 'seed', 'stop', 'logprobs']) if (parsed.values.has(name)) throw new UsageError(`--${name} has no meaning for next (one position, no generation)`);
  const fromFile = generationConfigOf(config);
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  const greedy = parsed.flags.has('greedy') || (fromFile.sampling === 'greedy' && !parsed.values.has('temperature'));
  const settings: SamplerSettings = {
    temperature: numberFlag(parsed, 'temperature', (n) => n >= 0 && n <= 2, 'a number from 0 to 2') ?? fromFile.temperature ?? 1,
    topK: numberFlag(parsed, 'top-k', whole, 'a whole number of at least 0 (0: no cut)') ?? fromFile.topK ?? 0,
    topP: numberFlag(parsed, 'top-p', (n) => n >= 0 && n <= 1, 'a number from 0 to 1') ?? fromFile.topP ?? 1,
    minP: numberFlag(parsed, 'min-p', (n) => n >= 0 && n <= 1, 'a number from 0 to 1') ?? 0,
    ...(greedy ? { greedy: true } : {}),
  };
  return settings;
}

const percent = (p: number) => (p === 0 ? '0' : p < 0.0001 ? '<0.01%' : `${(p * 100).toFixed(2)}%`);

function printTable(io: CliIO, sampled: SampledDistribution, shown: number, rest: number): void {
  const tokens = sampled.tokens.slice(0, shown);
  const width = Math.min(16, Math.max(5, ...tokens.map((token) => visible(token.text).length)));
  io.stdout(`${'rank'.padStart(4)}  ${'id'.padStart(6)}  ${'token'.padEnd(width)}  ${'model'.padStart(8)}  ${'sampled'.padStart(8)}  \n`);
  tokens.forEach((token, i) => {
    const bar = '█'.repeat(Math.round(token.afterSampler * 20));
    const cut = token.cutBy ? `cut by ${token.cutBy}` : bar;
    io.stdout(`${String(i + 1).padStart(4)}  ${String(token.id).padStart(6)}  ${visible(token.text).slice(0, 16).padEnd(width)}  ${percent(token.probability).padStart(8)}  ${percent(token.afterSampler).padStart(8)}  ${cut}\n`);
  });
  const hidden = sampled.tokens.slice(shown);
  const restMass = rest + hidden.reduce((sum, token) => sum + token.probability, 0);
  const restAfter = hidden.reduce((sum, token) => sum + token.afterSampler, 0);
  const restCount = hidden.length;
  if (restCount > 0 || rest > 0) io.stdout(`${''.padStart(4)}  ${''.padStart(6)}  ${'(rest)'.padEnd(width)}  ${percent(restMass).padStart(8)}  ${percent(restAfter).padStart(8)}  ${restCount > 0 ? `${restCount} more tokens` : 'not listed by the backend'}\n`);
}

export const nextCommand: CliCommand = {
  name: 'next',
  summary: 'Show the next-token distribution after a prompt, before and after the sampler',
  usage: `Usage: prompt-lab next <file> [--after text] [--top n] [--temperature t] [--top-k k] [--top-p p] [--min-p m] [--greedy]
                       [--backend id | --base-url URL --api-key-env VAR] [--model m] [--model-path file.gguf]
                       [--config file] [--input key=value]… [--input-file data.json] [--input-value text] [--variant v] [--shots n] [--prompts-dir dir]… [--json]

  --after <text>        Read the distribution after this text (as if the model had written it)
  --top <n>             Show the n most probable tokens and "the rest" (default 20)
  --temperature <t>     0–2 (0: greedy)   --top-k <k>  ≥ 0 (0: no cut)   --top-p <p>  0–1   --min-p <m>  0–1
  --greedy              Always the most probable token
                        (settings default to the prompt's config, else temperature 1 and no cuts)
  --backend, --base-url, --api-key-env, --model, --model-path, --config: as for prompt-lab run
${RENDER_USAGE}
  --json                {tokens: [{id, text, probability, afterSampler, cutBy?}], rest, exact, complete,
                        backend, model, settings, stages: [{name, value, kept}], position}

The sampler runs top-k, top-p, min-p, then temperature, as llama.cpp's chain does in the local
backend. The local model's distribution is exact (its whole vocabulary); an OpenAI-compatible
backend's is built from at most 20 top_logprobs (exact: false). Exit 1 when the backend gives
no distribution.`,
  async run(args, io) {
    const parsed = parseArgs(args, NEXT_OPTIONS);
    const top = numberFlag(parsed, 'top', (n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1') ?? 20;
    const target = await resolveCliTarget(parsed, io, 'next');
    if (typeof target === 'number') return target;
    const { prepared: { rendered, target: { backendId, model } }, host, registry } = target;
    try {
      const settings = settingsOf(parsed, rendered.config);
      const problems = samplerSettingsProblems(settings);
      if (problems.length > 0) throw new UsageError(problems.join('; '));
      const backend = host.backends.get(backendId);
      if (!backend.nextTokens) {
        io.stderr(`prompt-lab next: backend '${backend.id}' (${backend.kind}) gives no next-token distribution\n`);
        return ExitCode.findings;
      }
      const after = single(parsed, 'after');
      let answer;
      try {
        answer = await backend.nextTokens({ model, messages: chatMessagesOf(rendered), ...(after !== undefined ? { after } : {}) });
      } catch (error) {
        io.stderr(`prompt-lab next: error: ${(error as Error).message}\n`);
        return ExitCode.findings;
      }
      if (answer.kind === 'unavailable') {
        io.stderr(`prompt-lab next: ${answer.reason}\n`);
        return ExitCode.findings;
      }
      const distribution = answer.distribution;
      const sampled = applySampler(distribution, settings);
      const shown = sampled.tokens.slice(0, top);
      const hidden = sampled.tokens.slice(top);
      if (parsed.flags.has('json')) {
        io.stdout(`${JSON.stringify({
          tokens: shown.map((token) => ({ id: token.id, text: token.text, probability: token.probability, afterSampler: token.afterSampler, ...(token.cutBy ? { cutBy: token.cutBy } : {}) })),
          rest: {
            count: hidden.length + (distribution.rest.count ?? 0),
            probability: distribution.rest.probability + hidden.reduce((sum, token) => sum + token.probability, 0),
            afterSampler: hidden.reduce((sum, token) => sum + token.afterSampler, 0),
          },
          exact: distribution.exact,
          complete: sampled.complete,
          backend: distribution.backend,
          model: distribution.model,
          settings,
          stages: sampled.stages.map(({ name, value, kept }) => ({ name, value, kept })),
          position: { tokens: distribution.position.tokens, after: distribution.position.after },
        }, null, 2)}\n`);
        return ExitCode.ok;
      }
      printTable(io, sampled, top, distribution.rest.probability);
      const chain = sampled.stages.map((stage) => `${stage.name}${stage.name === 'greedy' ? '' : ` ${stage.value}`} → ${stage.kept}`).join(' · ');
      io.stdout(`\n${distribution.backend}/${distribution.model} · ${distribution.exact ? 'exact' : 'partial (top_logprobs only)'} · ${sampled.tokens.length + (distribution.rest.count ?? 0)} tokens · ${chain}${sampled.complete ? '' : ' · unlisted tokens may be in play: the sampled column is approximate'}\n`);
      return ExitCode.ok;
    } finally {
      await registry.dispose();
    }
  },
};
