/**
 * `kiln endpoints feedback NAME --file labels.csv`: record ground-truth labels for an endpoint's
 * predictions from a file with a `predictionId` (or `prediction_id`) column and a `label` column, through
 * the same service as `POST /v1/endpoints/{name}/feedback`, in batches of 10,000. Ids the endpoint never
 * returned are listed (with their 1-based data row) and not stored; the rest are. Registered on the
 * `endpoints` group by `registerEndpointFeedbackCommands`, which the group's owner calls. The project is
 * the command's `--project` (added to every scoped command by `installProjectOption`).
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import type { Column } from '../../core/frame.js';
import { localPrincipal } from '../../security/local-principal.js';
import type { CliContext } from '../main.js';
import { printJson } from '../output.js';
import { withKiln } from '../with-kiln.js';

interface FeedbackFlags {
  file: string;
  json?: boolean;
}

const BATCH = 10_000;

/** Add `feedback` to the `endpoints` command group. */
export function registerEndpointFeedbackCommands(endpoints: Command, ctx: CliContext): void {
  endpoints
    .command('feedback')
    .description('record ground-truth labels for predictions from a file (columns predictionId, label)')
    .argument('<name>', 'endpoint name')
    .requiredOption('--file <file>', 'CSV/Parquet/JSON file with columns predictionId (or prediction_id) and label')
    .option('--json', 'print a JSON summary')
    .action(async (name: string, flags: FeedbackFlags) => {
      const { readFrame } = await import('../../data/io/read-frame.js');
      let frame = await readFrame(flags.file);
      const idName = ['predictionId', 'prediction_id'].find((n) => frame.has(n));
      // Ids are text even when they look like numbers ("000123" must not become 123).
      if (idName !== undefined && !['text', 'categorical'].includes(frame.column(idName).type)) frame = await readFrame(flags.file, { columnTypes: { [idName]: 'text' } });
      if (idName === undefined || !frame.has('label')) {
        throw new InputError(`${flags.file} needs columns "predictionId" (or "prediction_id") and "label"; it has ${frame.names.slice(0, 20).join(', ')}`, { file: flags.file, column: idName === undefined ? 'predictionId' : 'label' });
      }
      if (frame.rowCount === 0) throw new InputError(`${flags.file} has no rows`, { file: flags.file });
      const ids = frame.column(idName);
      const labels = frame.column('label');
      const actor = localPrincipal().actor;
      let project = 'default';
      const total = { received: 0, inserted: 0, updated: 0, unchanged: 0, unknown: [] as { row: number; predictionId: string }[] };
      await withKiln(async (kiln) => {
        project = kiln.feedback.project;
        for (let start = 0; start < frame.rowCount; start += BATCH) {
          const end = Math.min(frame.rowCount, start + BATCH);
          const items = [];
          for (let i = start; i < end; i++) items.push({ predictionId: idText(ids, i), label: labelValue(labels, i) });
          const res = await kiln.feedback.record(name, items, { actor });
          total.received += res.received;
          total.inserted += res.inserted;
          total.updated += res.updated;
          total.unchanged += res.unchanged;
          for (const u of res.unknown) total.unknown.push({ row: start + u.index + 1, predictionId: u.predictionId });
        }
      });
      if (flags.json) return printJson(ctx.io, { endpoint: name, project, ...total });
      ctx.io.out(`feedback for ${name}: ${total.inserted} new, ${total.updated} changed, ${total.unchanged} already stored (${total.received} rows)\n`);
      if (total.unknown.length > 0) {
        const shown = total.unknown.slice(0, 10).map((u) => `row ${u.row}: ${u.predictionId}`).join(', ');
        ctx.io.err(`warning: ${total.unknown.length} prediction id(s) are unknown to endpoint ${name} and were not stored (${shown}${total.unknown.length > 10 ? ', ...' : ''})\n`);
      }
    });
}

function idText(col: Column, i: number): unknown {
  switch (col.type) {
    case 'text':
      return col.values[i];
    case 'categorical':
      return col.codes[i] >= 0 ? col.categories[col.codes[i]] : null;
    case 'int64':
      return col.values[i].toString();
    case 'numeric':
      return Number.isNaN(col.values[i]) ? null : String(col.values[i]);
    default:
      return null;
  }
}

/** A label as JSON would carry it: numbers stay numbers, booleans booleans, the rest strings; missing is null (refused). */
function labelValue(col: Column, i: number): unknown {
  switch (col.type) {
    case 'numeric':
      return Number.isNaN(col.values[i]) ? null : col.values[i];
    case 'int64':
      return Number(col.values[i]);
    case 'boolean':
      return col.values[i] === 255 ? null : col.values[i] === 1;
    case 'categorical':
      return col.codes[i] >= 0 ? col.categories[col.codes[i]] : null;
    case 'text':
      return col.values[i];
    case 'timestamp':
      return Number.isNaN(col.values[i]) ? null : new Date(col.values[i]).toISOString();
  }
}
