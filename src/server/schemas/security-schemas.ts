/**
 * TypeBox schemas of the security API: `/v1/whoami`, `/v1/tokens`, `/v1/projects`, `/v1/audit`.
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const RoleSchema = Type.Union(['viewer', 'editor', 'admin', 'predictor', 'feature-reader', 'pusher'].map((r) => Type.Literal(r)));

const GrantSchema = Type.Object(
  {
    project: Type.String({ minLength: 1, maxLength: 63 }),
    role: RoleSchema,
    resources: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 }), { description: 'Narrow the grant to named resources, e.g. {"endpoints": ["churn"]}' })),
  },
  { additionalProperties: false },
);

const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'kiln_<id>: identifies the token; the secret is never shown again' }),
  grants: Type.Array(Type.Object({ project: Type.String(), role: Type.String(), resources: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))) })),
  superuser: Type.Boolean(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

const ProjectSchema = Type.Object({ name: Type.String(), description: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), createdBy: Type.String() });

const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.String(),
  project: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  sourceAddress: Type.Union([Type.String(), Type.Null()]),
  prevHash: Type.String(),
  hash: Type.String(),
});

/** `GET /v1/whoami`. */
export const WhoamiRoute = {
  summary: 'The calling principal and its roles on the request project',
  tags: ['security'],
  response: {
    200: Type.Object({ actor: Type.String(), kind: Type.String(), superuser: Type.Boolean(), project: Type.String(), roles: Type.Array(Type.String()) }),
    ...errorResponses(401),
  },
};

/** `POST /v1/tokens`. */
export const CreateTokenRoute = {
  summary: 'Create an API token (the secret is in this response only)',
  tags: ['security'],
  body: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 128 }),
      grants: Type.Optional(Type.Array(GrantSchema, { maxItems: 100, description: 'Default: one grant of `role` on the request project' })),
      role: Type.Optional(RoleSchema),
      superuser: Type.Optional(Type.Boolean()),
      expiresAt: Type.Optional(Type.String({ maxLength: 40, description: 'ISO-8601 time in the future' })),
    },
    { additionalProperties: false },
  ),
  response: { 201: Type.Object({ token: Type.String(), record: TokenSchema }), ...errorResponses(400, 401, 403, 404) },
};

/** `GET /v1/tokens`. */
export const ListTokensRoute = {
  summary: 'API tokens visible to the caller (never their secrets)',
  tags: ['security'],
  querystring: Type.Object(PageQuery, { additionalProperties: false }),
  response: { 200: Type.Object({ items: Type.Array(TokenSchema), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
};

/** `DELETE /v1/tokens/:id`. */
export const RevokeTokenRoute = {
  summary: 'Revoke an API token',
  tags: ['security'],
  params: Type.Object({ id: Type.String({ pattern: '^[a-z0-9]{12}$', description: 'The token id (kiln_<id>)' }) }),
  response: { 200: TokenSchema, ...errorResponses(400, 401, 403, 404) },
};

/** `GET /v1/projects`. */
export const ListProjectsRoute = {
  summary: 'Projects',
  tags: ['security'],
  querystring: Type.Object(PageQuery, { additionalProperties: false }),
  response: { 200: Type.Object({ items: Type.Array(ProjectSchema), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
};

/** `POST /v1/projects`. */
export const CreateProjectRoute = {
  summary: 'Create a project (superusers)',
  tags: ['security'],
  body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }), description: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
  response: { 201: ProjectSchema, ...errorResponses(400, 401, 403) },
};

/** `GET /v1/audit`. */
export const ListAuditRoute = {
  summary: 'Audit log entries of the request project, newest first',
  tags: ['security'],
  querystring: Type.Object(
    {
      ...PageQuery,
      resource: Type.Optional(Type.String({ maxLength: 300, description: 'TYPE or TYPE:ID' })),
      actor: Type.Optional(Type.String({ maxLength: 300 })),
      since: Type.Optional(Type.String({ maxLength: 40, description: 'ISO-8601' })),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
};

/** `GET /v1/audit/verify`. */
export const VerifyAuditRoute = {
  summary: 'Verify the audit hash chain',
  tags: ['security'],
  response: {
    200: Type.Object({ ok: Type.Boolean(), entries: Type.Integer(), brokenAt: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String() })) }),
    ...errorResponses(401, 403),
  },
};
