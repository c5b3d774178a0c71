/**
 * TypeBox schemas of the study routes (`/v1/studies`): submitting a study as a `tune` job, listing studies,
 * one study as the `kiln tune --json` document, its trial runs, and cancelling it (docs/tuning.md).
 */
import { Type } from 'typebox';
import { DatasetReference, errorResponses } from './common-schemas.js';
import { JobEnvelope } from './jobs-schemas.js';

const TAGS = ['studies'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const StudyId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });
const Name = Type.String({ minLength: 1, maxLength: 200 });

/** `POST /v1/studies` body: a study request; data only as a registered dataset version. */
export const StudyBody = Type.Object(
  {
    dataset: Type.Optional(DatasetReference),
    target: Type.Optional(Name),
    algo: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'gbdt (default), logistic, linear, ridge, lasso, elasticnet' })),
    task: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('binary'), Type.Literal('multiclass'), Type.Literal('regression')])),
    exclude: Type.Optional(Type.Array(Name, { maxItems: 10_000 })),
    positiveClass: Type.Optional(Name),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'fixed hyper-parameters of every trial' })),
    space: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'search space: parameter -> distribution (docs/tuning.md); default: the algorithm\'s' })),
    trials: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'trials in total (default 20)' })),
    sampler: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'tpe (default), random, grid' })),
    pruner: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'median (default), successive-halving, hyperband, none' })),
    parallel: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'trials at once (default 1)' })),
    distributed: Type.Optional(Type.Boolean({ description: 'run the trials as tune-trial jobs on any worker' })),
    metric: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    timeoutSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'start no new trial after this many seconds' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    experiment: Type.Optional(Name),
    study: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'study name: continued when it exists in the experiment' })),
    resume: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'id of a study to continue' })),
    validFraction: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    testFraction: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

/** A trial in a study document. */
const Trial = Type.Object({
  number: Type.Integer(),
  runId: Type.String(),
  parentId: Type.String(),
  state: Type.String({ description: 'complete, pruned or failed' }),
  value: Nullable(Type.Number()),
  params: Type.Record(Type.String(), Type.Unknown()),
  bestIteration: Nullable(Type.Integer()),
  prunedAt: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  durationMs: Type.Number(),
});

/** The `kiln tune --json` document. */
export const StudyDocument = Type.Object({
  study: Type.Object(
    {
      id: Type.String(),
      runId: Type.String(),
      name: Type.String(),
      experiment: Type.String(),
      status: Type.String({ description: 'the study run: running, finished, failed, killed' }),
      algo: Type.String(),
      task: Type.String(),
      metric: Type.String(),
      direction: Type.String(),
      sampler: Type.String(),
      pruner: Type.String(),
      seed: Type.Integer(),
      parallel: Type.Integer(),
      distributed: Type.Boolean(),
      budget: Type.Integer(),
      space: Type.Record(Type.String(), Type.Unknown()),
      defaultSpace: Type.Boolean(),
      resumed: Type.Boolean(),
      stopReason: Nullable(Type.String({ description: 'budget, grid-exhausted, timeout; null while running' })),
    },
    { additionalProperties: true },
  ),
  trials: Type.Array(Trial),
  best: Nullable(Type.Object({ runId: Type.String(), number: Type.Integer(), value: Type.Number(), params: Type.Record(Type.String(), Type.Unknown()) })),
  model: Nullable(Type.String({ description: 'a bundle file the study wrote (only where it was written; null over HTTP)' })),
  modelId: Nullable(Type.String({ description: "the best trial's trained-model record" })),
  importance: Type.Record(Type.String(), Type.Number()),
  space: Type.Record(Type.String(), Type.Unknown()),
});

const StudySummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  experiment: Type.String(),
  status: Type.String(),
  algo: Nullable(Type.String()),
  metric: Nullable(Type.String()),
  direction: Nullable(Type.String()),
  sampler: Nullable(Type.String()),
  pruner: Nullable(Type.String()),
  budget: Nullable(Type.Integer()),
  parallel: Nullable(Type.Integer()),
  distributed: Type.Boolean(),
  best: Nullable(Type.Object({ runId: Type.String(), value: Type.Number() })),
  stopReason: Nullable(Type.String()),
  startedAt: Type.String(),
  endedAt: Nullable(Type.String()),
});

const TrialRun = Type.Object({
  number: Type.Integer(),
  runId: Type.String(),
  state: Type.String({ description: 'complete, pruned, failed, killed or running' }),
  status: Type.String({ description: 'the trial run status' }),
  value: Nullable(Type.Number()),
  params: Type.Record(Type.String(), Type.Unknown()),
  bestIteration: Nullable(Type.Integer()),
  prunedAt: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  job: Nullable(Type.String({ description: 'the tune-trial job that ran it (distributed studies)' })),
  startedAt: Type.String(),
  endedAt: Nullable(Type.String()),
});

/** `POST /v1/studies`. */
export const SubmitStudyRoute = {
  summary: 'Submit a study (hyper-parameter tuning) as a tune job; 202 with the job (its runId becomes the study id once it starts)',
  tags: TAGS,
  body: StudyBody,
  response: { 202: JobEnvelope, ...errorResponses(400, 404) },
};

/** `GET /v1/studies`. */
export const ListStudiesRoute = {
  summary: "Studies of the request's project, newest first (keyset-paged)",
  tags: TAGS,
  querystring: Type.Object(
    {
      experiment: Type.Optional(Name),
      limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$', description: 'page size, 1..1000' })),
      cursor: Type.Optional(Type.String({ maxLength: 4096 })),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ studies: Type.Array(StudySummary), next: Nullable(Type.String()) }), ...errorResponses(400, 404) },
};

/** `GET /v1/studies/:id`. */
export const GetStudyRoute = {
  summary: 'One study as `kiln tune --json` prints it: trials, best trial, parameter importance',
  tags: TAGS,
  params: StudyId,
  response: { 200: StudyDocument, ...errorResponses(400, 404) },
};

/** `GET /v1/studies/:id/trials`. */
export const StudyTrialsRoute = {
  summary: "Every trial run of a study (running and killed attempts included), by number",
  tags: TAGS,
  params: StudyId,
  response: { 200: Type.Object({ trials: Type.Array(TrialRun) }), ...errorResponses(400, 404) },
};

/** `POST /v1/studies/:id/cancel`. */
export const CancelStudyRoute = {
  summary: 'Cancel the job running a study (its trials in flight end killed; the study stays resumable)',
  tags: TAGS,
  params: StudyId,
  response: { 200: JobEnvelope, ...errorResponses(400, 404, 409) },
};
