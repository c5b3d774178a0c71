/**
 * `kiln batch --async`: the same scoring as a `batch-inference` job (the one `POST /v1/batch-jobs`
 * submits) for whatever runs jobs (`kiln server`, `kiln worker`). Jobs read registered dataset versions
 * and registered or trained models only — never paths on this machine, which a worker may not see — and
 * store the output as an artifact, optionally registered as a dataset version (`--output-dataset`).
 */
import { UsageError } from '../../core/errors.js';
import { cliProject } from '../cli-project.js';
import type { CliContext } from '../main.js';
import { printJson } from '../output.js';
import { withKiln } from '../with-kiln.js';

/** The flags `--async` reads. */
export interface BatchAsyncFlags {
  model: string;
  input: string;
  output?: string;
  outputDataset?: string;
  chunk?: number;
  workers?: number;
  onlyPredictions?: boolean;
  strictCategories?: boolean;
  json?: boolean;
}

/** Submit the batch as a job and print its id. */
export async function submitBatchJob(ctx: CliContext, flags: BatchAsyncFlags): Promise<void> {
  if (flags.output !== undefined) throw new UsageError('--output names a local file; a batch job stores its output as an artifact', { field: 'output' }, 'Drop --output; pass --output-dataset NAME to register the output, or download it with GET /v1/batch-jobs/ID/output.');
  const job = await withKiln((kiln) =>
    kiln.batchJobs.submit(cliProject() ?? 'default', {
      model: flags.model,
      dataset: flags.input,
      ...(flags.chunk !== undefined ? { chunk: flags.chunk } : {}),
      ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
      ...(flags.onlyPredictions ? { onlyPredictions: true } : {}),
      ...(flags.strictCategories ? { strictCategories: true } : {}),
      ...(flags.outputDataset !== undefined ? { outputDataset: flags.outputDataset } : {}),
    }),
  );
  if (flags.json) return printJson(ctx.io, { job });
  ctx.io.out(`submitted job ${job.id} (batch-inference, ${job.status}): ${job.request.model} on ${flags.input}\n`);
  ctx.io.out('a running `kiln server` or `kiln worker` on this metadata store runs it.\n');
  ctx.io.out(`follow it: kiln jobs logs ${job.id} --follow   result: kiln jobs show ${job.id}\n`);
}
