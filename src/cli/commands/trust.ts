import { parseArgs, UsageError } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';
import { CONFIG_FILE, trustConfigFile } from '../workspaceConfig';

export const trustCommand: CliCommand = {
  name: 'trust',
  summary: `Allow a ${CONFIG_FILE} to send the API keys it names to its servers`,
  usage: `Usage: prompt-lab trust [file]

Records in your trust store that the config file (default: ./${CONFIG_FILE}), exactly as it is
now, may send the API keys its backends name in apiKeyEnv to their servers. A ${CONFIG_FILE}
found in the current folder sends no key until trusted (it may have come with a cloned repository);
one given with --config is trusted for that run. An edited file must be trusted again.
The store is $XDG_CONFIG_HOME/prompt-lab/trusted.json (default ~/.config/prompt-lab/trusted.json).`,
  async run(args, io) {
    const parsed = parseArgs(args, {});
    if (parsed.positionals.length > 1) throw new UsageError('give one config file');
    const file = parsed.positionals[0] ?? CONFIG_FILE;
    const trusted = await trustConfigFile(file);
    const sends = trusted.sends.length > 0 ? `it may send ${trusted.sends.join(', ')}` : 'it sends no API key (no backend names an apiKeyEnv)';
    io.stdout(`Trusted ${trusted.realPath} (sha256 ${trusted.sha256.slice(0, 12)}…): ${sends}.\n`);
    io.stderr(`Recorded in ${trusted.store}; after an edit of the file, run 'prompt-lab trust' again.\n`);
    return ExitCode.ok;
  },
};
