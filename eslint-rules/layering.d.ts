/** Types of the layering rule (eslint-rules/layering.js) for the tests that load it. */
import type { ESLint, Rule } from 'eslint';
export declare const ROOM_RANKS: Record<string, number>;
export declare const layeringRule: Rule.RuleModule;
export declare const kilnPlugin: ESLint.Plugin;
