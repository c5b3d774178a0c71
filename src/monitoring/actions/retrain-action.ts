/**
 * The retrain action: a `train` job on the newest version of the dataset the served model was trained on,
 * with the model's recipe (target, task, algorithm, hyper-parameters and seed from its bundle; the new
 * version's columns that are not among the model's inputs are excluded, as they were), submitted
 * as `alert:<rule>`. When the job succeeds, its run is registered as the next version of the same model
 * (parent: the served version; tags name the alert) and the alias `challenger` points at it. Nothing is
 * promoted: the champion alias, stages and gates are left alone, so the challenger goes through the
 * registry's gates like any other candidate. Only registry-backed endpoints (`NAME@...`) can be retrained.
 */
import { UsageError } from '../../core/errors.js';
import type { JsonValue } from '../../store/job-repository.js';
import { referenceKind } from '../../serving/model-source.js';
import type { AlertActionContext, AlertActionOutcome } from './alert-action.js';

/** The alias a retrained model gets. */
export const CHALLENGER_ALIAS = 'challenger';

/** Options of the background wait (tests shorten the poll). */
export interface RetrainWaitOptions {
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

/** Submit the retraining; `later` settles when the job ends and the challenger is registered (or not). */
export async function retrainAction(_spec: unknown, ctx: AlertActionContext, wait: RetrainWaitOptions = {}): Promise<AlertActionOutcome> {
  const { services, project, actor } = ctx;
  const endpoint = await services.endpoints.get(ctx.alert.endpoint, project);
  const variant = [...endpoint.variants].sort((a, b) => b.weight - a.weight)[0];
  if (!variant || referenceKind(variant.model) !== 'registry') {
    return { ok: false, summary: `retrain: endpoint ${endpoint.name} does not serve a registered model (${variant?.model ?? 'no variant'}); register it to retrain it automatically`, detail: { endpoint: endpoint.name } };
  }
  const served = await services.registry.resolveRecord(variant.model, project);
  const ref = `${served.name}@${served.version}`;
  if (served.format !== 'kiln-bundle') return { ok: false, summary: `retrain: ${ref} is an imported ${served.format} model; Kiln has no recipe to retrain it`, detail: { model: ref } };
  const trainedOn = served.trainingDatasets[0];
  if (!trainedOn) return { ok: false, summary: `retrain: ${ref} records no training dataset (registered from a file?); nothing to retrain on`, detail: { model: ref } };
  const newest = await services.metadata.inProject(project).datasets.getVersion(trainedOn.name, 'latest');
  if (!newest) return { ok: false, summary: `retrain: dataset ${trainedOn.name} (which ${ref} was trained on) no longer exists in project ${project}`, detail: { model: ref, dataset: trainedOn.name } };
  const bundle = await services.registry.loadBundle(ref, project);
  const dataset = `${newest.name}@${newest.version}`;
  // The recipe's column choice: whatever the new version has beyond the model's inputs and target stays out.
  const details = await services.datasets.inProject(project).show(dataset);
  const used = new Set([...bundle.signature.inputs.map((i) => i.name), bundle.signature.target]);
  const exclude = ((details.schema as { fields?: { name: string }[] } | null)?.fields ?? []).map((f) => f.name).filter((n) => !used.has(n));
  const payload = {
    dataset,
    target: bundle.signature.target,
    task: bundle.signature.task,
    algo: bundle.metadata.algo,
    params: JSON.parse(JSON.stringify(bundle.metadata.params)) as Record<string, JsonValue>,
    seed: bundle.metadata.seed,
    ...(exclude.length > 0 ? { exclude } : {}),
    experiment: 'alerts',
  } satisfies Record<string, JsonValue>;
  const job = await services.jobs.submit({ kind: 'train', project, payload }, { actor });
  const recipe = { target: payload.target, task: payload.task, algo: payload.algo, seed: payload.seed, exclude };
  const later = (async (): Promise<AlertActionOutcome> => {
    const ended = await services.jobs.wait(job.id, { pollMs: wait.pollMs ?? 1000, ...(wait.signal ? { signal: wait.signal } : {}) });
    if (ended.status !== 'succeeded') return { ok: false, summary: `retrain job ${job.id} ${ended.status}${ended.error ? `: ${ended.error.message}` : ''}; no challenger registered`, detail: { job: job.id, status: ended.status, error: ended.error } };
    const runId = (ended.result as { runId?: unknown } | null)?.runId;
    if (typeof runId !== 'string') throw new UsageError(`retrain job ${job.id} succeeded without a run id`, { job: job.id });
    const version = await services.registry.registerFromRun(runId, {
      name: served.name,
      project,
      actor,
      parentVersion: served.version,
      description: `retrained on ${dataset} by alert ${ctx.alert.id} (${ctx.alert.rule})`,
      tags: { 'kiln.alert': ctx.alert.id, 'kiln.retrained_from': ref },
    });
    const challenger = `${version.name}@${version.version}`;
    await services.registry.setAlias(challenger, CHALLENGER_ALIAS, { project, actor });
    return { ok: true, summary: `retrained ${ref} on ${dataset}: ${challenger} registered as ${CHALLENGER_ALIAS} (not promoted)`, detail: { job: job.id, runId, challenger, alias: CHALLENGER_ALIAS, metrics: version.evaluation?.metrics ?? {} } };
  })();
  return { ok: true, summary: `retraining ${ref} on ${dataset} as job ${job.id}`, detail: { job: job.id, model: ref, dataset, recipe }, later };
}
