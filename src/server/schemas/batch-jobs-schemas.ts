/**
 * TypeBox schemas of `/v1/batch-jobs`: `kiln batch` as a job over a registered dataset version or a file
 * under the import root (never a server path), output stored as an artifact and optionally a dataset.
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const TAGS = ['batch'];
const Request = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 1024, description: 'NAME@VERSION, NAME@ALIAS or trained:ID (pinned to its version at submit)' }),
    dataset: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'registered dataset version NAME@VERSION' })),
    import: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'a file relative to the server import root (KILN_IMPORT_ROOT)' })),
    chunk: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'rows per chunk' })),
    workers: Type.Optional(Type.Integer({ minimum: 0, maximum: 8 })),
    onlyPredictions: Type.Optional(Type.Boolean()),
    strictCategories: Type.Optional(Type.Boolean()),
    outputDataset: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'register the output as the next version of this dataset' })),
  },
  { additionalProperties: false },
);
const Result = Type.Object({
  model: Type.String(),
  input: Type.String(),
  rows: Type.Integer(),
  chunks: Type.Integer(),
  resumedChunks: Type.Integer(),
  columns: Type.Array(Type.String()),
  output: Type.String({ description: 'artifact hash of the output Parquet (GET .../output)' }),
  outputBytes: Type.Integer(),
  dataset: Type.Optional(Type.Object({ name: Type.String(), version: Type.Integer() })),
  unseenCategories: Type.Record(Type.String(), Type.Integer()),
});
/** A batch job. */
export const BatchJobSchema = Type.Object({
  id: Type.String(),
  status: Type.String(),
  progress: Type.Number(),
  progressMessage: Type.Union([Type.String(), Type.Null()]),
  request: Request,
  result: Type.Union([Result, Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  createdAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
});
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const SubmitBatchJobRoute = { summary: 'Batch-score a dataset version or an imported file as a job (kiln batch)', tags: TAGS, body: Request, response: { 202: BatchJobSchema, ...errorResponses(400, 404) } };
export const ListBatchJobsRoute = {
  summary: 'Batch jobs of the project, newest first',
  tags: TAGS,
  querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), cursor: Type.Optional(Type.String({ maxLength: 4096 })) }),
  response: { 200: Type.Object({ batchJobs: Type.Array(BatchJobSchema), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400) },
};
export const GetBatchJobRoute = { summary: 'One batch job', tags: TAGS, params: Id, response: { 200: BatchJobSchema, ...errorResponses(404) } };
export const BatchJobOutputRoute = { summary: 'The output Parquet file of a finished batch job', tags: TAGS, params: Id, response: { 200: Type.Any({ description: 'the output Parquet bytes (application/vnd.apache.parquet)' }), ...errorResponses(404) } };
