export * from './types';
export { applySampler, NEUTRAL_SETTINGS, samplerSettingsProblems } from './sampler';
export { drawNext, histogram, MersenneTwister, sample } from './draw';
export { chiSquare } from './chiSquare';
