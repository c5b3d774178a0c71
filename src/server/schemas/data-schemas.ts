/**
 * TypeBox schemas of the data routes (`/v1/datasets`, `/v1/profile`, `/v1/validate`): request bodies and
 * the documents they answer with. Large documents (profiles, validation results) are described by their
 * stable top-level fields and let the rest through, so OpenAPI documents them without a second copy of
 * their specs (docs/specs/).
 */
import { Type } from 'typebox';
import { DatasetName, DatasetReference, DatasetVersionParam, JsonRows, UploadQuery, errorResponses, jsonOrUploadBody } from './common-schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

/** One line per dataset. */
export const DatasetSummarySchema = Type.Object({
  name: Type.String(),
  latestVersion: Type.Integer(),
  versions: Type.Integer(),
  updatedAt: Type.String({ description: 'ISO-8601 time of the latest version' }),
});

/** A dataset version without its schema and profile. */
export const DatasetVersionSummarySchema = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  hash: Type.String(),
  rows: Type.Integer(),
  columns: Type.Integer(),
  bytes: Type.Integer(),
  artifactHash: Type.String(),
  format: Type.String(),
  source: Nullable(Type.String({ description: 'Where the data came from: a CLI path, NAME@VERSION, upload:<name> or import:<path>' })),
  createdAt: Type.String(),
});

/** A dataset version with its schema and profile documents. */
export const DatasetVersionRecordSchema = Type.Intersect([DatasetVersionSummarySchema, Type.Object({ schema: Type.Unknown(), profile: Type.Unknown() })]);

/** What registering answers (201 when a new version was written, 200 when the content was already registered). */
export const RegistrationSchema = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  hash: Type.String(),
  rows: Type.Integer(),
  columns: Type.Integer(),
  bytes: Type.Integer(),
  created: Type.Boolean(),
  source: Type.String(),
  createdAt: Type.String(),
});

/** The `profileVersion: 1` document (docs/specs/profile.md); further fields pass through. */
export const ProfileSchema = Type.Object(
  {
    profileVersion: Type.Literal(1),
    rows: Type.Integer(),
    columnCount: Type.Integer(),
    columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() }, { additionalProperties: true })),
  },
  { additionalProperties: true, description: 'A dataset profile (docs/specs/profile.md)' },
);

/** A validation result; `success` is false when an error-severity expectation failed. */
export const ValidationResultSchema = Type.Object(
  {
    success: Type.Boolean(),
    suite: Type.String(),
    rows: Type.Integer(),
    results: Type.Array(Type.Object({}, { additionalProperties: true })),
    scores: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true },
);

const NameParams = Type.Object({ name: DatasetName });

/** `?limit=&cursor=` of the list routes (query strings are not coerced, so `limit` is digits); the store checks the range and the cursor. */
export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'Items per page: 1..1000, default 100' })),
    cursor: Type.Optional(Type.String({ maxLength: 4096, description: 'The `next` of the previous page, unchanged' })),
  },
  { additionalProperties: false },
);

const Next = Type.Union([Type.String(), Type.Null()], { description: 'Cursor of the next page (pass as ?cursor=), null on the last page' });

/** `GET /v1/datasets`. */
export const ListDatasetsRoute = {
  summary: 'List datasets by name, one page at a time',
  tags: ['datasets'],
  querystring: PageQuery,
  response: { 200: Type.Object({ datasets: Type.Array(DatasetSummarySchema), next: Next }), ...errorResponses() },
};

/** `GET /v1/datasets/:name`. */
export const DatasetVersionsRoute = {
  summary: 'Versions of a dataset, oldest first, one page at a time',
  tags: ['datasets'],
  params: NameParams,
  querystring: PageQuery,
  response: { 200: Type.Object({ name: Type.String(), versions: Type.Array(DatasetVersionSummarySchema), next: Next }), ...errorResponses(400, 404) },
};

/** `GET /v1/datasets/:name/versions/:version`. */
export const ShowVersionRoute = {
  summary: 'One dataset version with schema and profile',
  tags: ['datasets'],
  params: Type.Object({ name: DatasetName, version: DatasetVersionParam }),
  response: { 200: DatasetVersionRecordSchema, ...errorResponses(400, 404) },
};

/** JSON body of `POST /v1/datasets/:name/versions`: exactly one of `source` or `import`. */
export const RegisterJsonBody = Type.Object(
  {
    source: Type.Optional(DatasetReference),
    import: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'A file relative to the server\'s import root (KILN_IMPORT_ROOT; disabled unless an administrator sets it)' }),
    ),
  },
  { additionalProperties: false },
);

/** `POST /v1/datasets/:name/versions`. */
export const RegisterRoute = {
  summary: 'Register a new version: upload a file, copy a registered version ({"source": "NAME@VERSION"}) or import from the import root ({"import": "sub/file.csv"})',
  tags: ['datasets'],
  params: NameParams,
  querystring: UploadQuery,
  body: jsonOrUploadBody(RegisterJsonBody),
  response: { 200: RegistrationSchema, 201: RegistrationSchema, ...errorResponses(400, 404, 413, 415) },
};

/** JSON body of `POST /v1/profile`: exactly one of `dataset` or `rows`. */
export const ProfileJsonBody = Type.Object({ dataset: Type.Optional(DatasetReference), rows: Type.Optional(JsonRows) }, { additionalProperties: false });

/** `POST /v1/profile`. */
export const ProfileRoute = {
  summary: 'Profile an upload, JSON rows ({"rows": [...]}) or a registered dataset ({"dataset": "NAME@VERSION"})',
  tags: ['data'],
  querystring: UploadQuery,
  body: jsonOrUploadBody(ProfileJsonBody),
  response: { 200: ProfileSchema, ...errorResponses(400, 404, 413, 415) },
};

/** Body of `POST /v1/validate`. */
export const ValidateBody = Type.Object(
  {
    suite: Type.Record(Type.String(), Type.Unknown(), { description: 'The suite document (docs/specs/expectation-suite.md)' }),
    dataset: Type.Optional(DatasetReference),
    rows: Type.Optional(JsonRows),
    reference: Type.Optional(DatasetReference),
  },
  { additionalProperties: false },
);

/** `POST /v1/validate`. */
export const ValidateRoute = {
  summary: 'Validate a dataset ({"dataset": "NAME@VERSION"}) or JSON rows ({"rows": [...]}) against a suite; 200 with success=false when expectations fail',
  tags: ['data'],
  body: ValidateBody,
  response: { 200: ValidationResultSchema, ...errorResponses(400, 404, 413, 415) },
};
