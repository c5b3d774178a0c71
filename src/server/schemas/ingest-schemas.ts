/**
 * TypeBox schemas of the append route (`POST /v1/datasets/{name}/rows`): the upload query and the
 * append report (new version, quarantine summary, failed expectations).
 */
import { Type } from 'typebox';
import { DatasetName, UploadQuery, errorResponses } from './common-schemas.js';

/** One quarantined row: 1-based data row (header not counted), the broken expectations, its values. */
export const QuarantineEntrySchema = Type.Object(
  {
    row: Type.Union([Type.Integer(), Type.Null()]),
    position: Type.Optional(Type.String()),
    reasons: Type.Array(Type.String({ description: '`<expectation id>:<type>` or a parse error' })),
    values: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    raw: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** What an append answers (201 with a new version; 200 when no row passed and nothing was appended). */
export const AppendReportSchema = Type.Object({
  dataset: Type.String(),
  version: Type.Union([
    Type.Object({
      name: Type.String(),
      version: Type.Integer(),
      hash: Type.String({ description: 'sha256 of the version manifest (its ordered Parquet parts)' }),
      rows: Type.Integer({ description: 'Rows in the whole version' }),
      appendedRows: Type.Integer(),
      parts: Type.Integer(),
      bytes: Type.Integer(),
      createdAt: Type.String(),
    }),
    Type.Null(),
  ]),
  receivedRows: Type.Integer(),
  appendedRows: Type.Integer(),
  quarantine: Type.Object({
    rows: Type.Integer(),
    reasons: Type.Record(Type.String(), Type.Integer(), { description: 'Quarantined rows per reason' }),
    sample: Type.Array(QuarantineEntrySchema, { description: 'The first 100 quarantined rows' }),
    artifactHash: Type.Union([Type.String(), Type.Null()], { description: 'NDJSON artifact with every quarantined row' }),
  }),
  failedExpectations: Type.Array(
    Type.Object({
      id: Type.String(),
      expectation: Type.String(),
      column: Type.Union([Type.String(), Type.Null()]),
      severity: Type.String(),
      failingRows: Type.Integer(),
      message: Type.String(),
    }),
  ),
});

/** `POST /v1/datasets/{name}/rows`. */
export const AppendRowsRoute = {
  summary: 'Append rows (NDJSON or CSV body; Parquet/JSON with ?format=) as a new version; rows failing the attached suite are quarantined',
  tags: ['datasets'],
  params: Type.Object({ name: DatasetName }),
  querystring: UploadQuery,
  response: { 200: AppendReportSchema, 201: AppendReportSchema, ...errorResponses(400, 409, 413, 415) },
};
