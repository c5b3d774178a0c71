/**
 * `table_rule`: a cross-field condition every row must satisfy, written in Kiln's small safe
 * expression language (e.g. `end_date >= start_date`, `amount > 0 or status == "refund"`). A row fails
 * only when the rule is false; rows where it is null (unknown, because of missing values) pass.
 */
import { z } from 'zod';
import { rowLevelOutcome } from '../expectation-check.js';
import { baseFields, defineExpectation } from '../expectation-definition.js';
import { evaluateRule } from '../expression/rule-evaluator.js';
import { parseRule } from '../expression/rule-parser.js';

/** Schema of `table_rule`. */
export const tableRuleSchema = z.strictObject({ type: z.literal('table_rule'), ...baseFields, rule: z.string().min(1) });

/** `table_rule` definition. */
export const tableRule = defineExpectation({
  schema: tableRuleSchema,
  dimension: 'consistency',
  rowLevel: true,
  create(spec) {
    // Parse up front so a malformed rule fails before any data is read.
    const ast = parseRule(spec.rule);
    let nullRows = 0;
    return {
      observe(frame, out) {
        const tri = evaluateRule(ast, frame, spec.rule);
        const rows = out.rows;
        let k = out.count;
        for (let i = 0; i < tri.length; i++) {
          const t = tri[i];
          if (t === 0) rows[k++] = i;
          else if (t === 2) nullRows++;
        }
        out.count = k;
      },
      finish(rows, failing) {
        const base = rowLevelOutcome(failing, rows, `satisfying ${spec.rule}`);
        return {
          ...base,
          observed: { failingRows: failing, unknownRows: nullRows },
          message: failing === 0 ? `every row satisfies ${spec.rule}${nullRows ? ` (${nullRows} rows unknown because of missing values)` : ''}` : `${failing} of ${rows} rows break ${spec.rule}`,
        };
      },
    };
  },
});
