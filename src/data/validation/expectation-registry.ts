/**
 * The registry of expectation types: `type` name -> definition. Adding an expectation is one file in
 * expectations/ and one entry here; the suite parser and validator need no changes.
 */
import type { z } from 'zod';
import type { ExpectationDefinition } from './expectation-definition.js';
import { columnDistribution } from './expectations/column-distribution.js';
import { columnExists } from './expectations/column-exists.js';
import { columnFreshness } from './expectations/column-freshness.js';
import { columnMaxMissing } from './expectations/column-max-missing.js';
import { columnMeanBetween, columnQuantileBetween, columnStdevBetween } from './expectations/column-statistics-between.js';
import { columnTypeExpectation } from './expectations/column-type.js';
import { columnValueLengthsBetween } from './expectations/column-value-lengths-between.js';
import { columnValuesBetween } from './expectations/column-values-between.js';
import { columnValuesInSet } from './expectations/column-values-in-set.js';
import { columnValuesInteger } from './expectations/column-values-integer.js';
import { columnValuesMatchFormat } from './expectations/column-values-match-format.js';
import { columnValuesMatchRegex } from './expectations/column-values-match-regex.js';
import { columnValuesNotNull } from './expectations/column-values-not-null.js';
import { columnValuesUnique } from './expectations/column-values-unique.js';
import { tableColumnsMatch } from './expectations/table-columns-match.js';
import { tableCompoundKeyUnique } from './expectations/table-compound-key-unique.js';
import { tableRowCountBetween } from './expectations/table-row-count-between.js';
import { tableRule } from './expectations/table-rule.js';

/** Every expectation type Kiln knows, by its `type` name. */
export const EXPECTATION_REGISTRY = {
  column_exists: columnExists,
  column_type: columnTypeExpectation,
  column_max_missing: columnMaxMissing,
  column_values_not_null: columnValuesNotNull,
  column_values_integer: columnValuesInteger,
  column_values_between: columnValuesBetween,
  column_values_in_set: columnValuesInSet,
  column_values_match_regex: columnValuesMatchRegex,
  column_values_match_format: columnValuesMatchFormat,
  column_values_unique: columnValuesUnique,
  column_value_lengths_between: columnValueLengthsBetween,
  column_mean_between: columnMeanBetween,
  column_stdev_between: columnStdevBetween,
  column_quantile_between: columnQuantileBetween,
  column_freshness: columnFreshness,
  column_distribution: columnDistribution,
  table_row_count_between: tableRowCountBetween,
  table_columns_match: tableColumnsMatch,
  table_compound_key_unique: tableCompoundKeyUnique,
  table_rule: tableRule,
} as const;

/** The name of an expectation type. */
export type ExpectationType = keyof typeof EXPECTATION_REGISTRY;

/** One expectation as it appears in a parsed suite (defaults applied). */
export type ExpectationSpec = { [K in ExpectationType]: z.output<(typeof EXPECTATION_REGISTRY)[K]['schema']> }[ExpectationType];

/** Whether `name` is a registered expectation type. */
export function isExpectationType(name: unknown): name is ExpectationType {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(EXPECTATION_REGISTRY, name);
}

/** The definition for a parsed expectation (typed loosely: the spec was validated by its own schema). */
export function definitionOf(spec: ExpectationSpec): ExpectationDefinition {
  return EXPECTATION_REGISTRY[spec.type] as unknown as ExpectationDefinition;
}
