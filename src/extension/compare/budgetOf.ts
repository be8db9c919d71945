// The token view's numbers for a comparison: the prompt itself on its own backend and model (a
// variant or model axis does not change them: the budget is the baseline's). A comparison still
// runs when they cannot be had; why goes to the output log.
import type { Backend } from '../../backends/backend';
import { promptBudget } from '../../backends/promptBudget';
import type { TokenBudget } from '../../core/comparison';
import { readPriceTable } from '../../core/modelCatalog';
import type { CountTexts } from '../../core/promptTokens';
import { renderChecked } from '../../core/render';
import { promptParts } from '../../core/structure';
import type { OutputLog } from '../backends/outputLog';
import type { PreparedPrompt } from '../run/preparePrompt';

export async function budgetOf(deps: { log: OutputLog; countTexts: CountTexts }, prepared: PreparedPrompt, backend: Backend, prices: unknown): Promise<{ tokens?: TokenBudget }> {
  try {
    const { checked, rendered, input, target } = prepared;
    const parts = await promptParts(checked, rendered, (shots) => renderChecked(checked, { input, shots }));
    const priceTable = readPriceTable(prices);
    for (const problem of priceTable.problems) deps.log.line(`promptLab.prices: ${problem}`);
    const modelFile = target.config.modelPath?.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, '');
    return {
      tokens: await promptBudget({
        backend, model: target.model, rendered, parts, countTexts: deps.countTexts, userPrices: priceTable.prices,
        ...(modelFile ? { localModelName: modelFile } : {}),
      }),
    };
  } catch (error) {
    deps.log.line(`token view unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
}
