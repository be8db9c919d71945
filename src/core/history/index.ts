export * from './types';
export * from './summary';
export * from './settings';
export * from './sanitize';
export * from './records';
export * from './exports';
