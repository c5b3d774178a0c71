/**
 * TypeBox schemas of `/v1/endpoints` (serving endpoints CRUD). Names, variants and settings are checked
 * again by the service (the same checks as the CLI), which names the bad field.
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const TAGS = ['endpoints'];
const Name = Type.String({ minLength: 1, maxLength: 63, description: 'lowercase letters, digits, ".", "_", "-"' });
const Variant = Type.Object({ name: Type.String({ maxLength: 63 }), model: Type.String({ maxLength: 1024, description: 'NAME@VERSION, NAME@ALIAS or trained:ID' }), weight: Type.Number() }, { additionalProperties: false });
const Batching = Type.Union([Type.Object({ maxBatchSize: Type.Integer(), maxWaitMs: Type.Number() }, { additionalProperties: false }), Type.Null()]);
const CircuitBreaker = Type.Union([
  Type.Object(
    {
      open: Type.Array(Type.String({ maxLength: 63 }), { maxItems: 16, description: 'variants not routed to' }),
      defaultAnswer: Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Null()], { description: 'answer for every instance when every variant is open (null: 503)' }),
      reason: Type.String({ maxLength: 500 }),
      openedAt: Type.String({ maxLength: 40 }),
      addedVariant: Type.Optional(Type.Union([Type.String({ maxLength: 63 }), Type.Null()], { description: 'a variant the breaker added to serve the previous version; removed when the circuit closes' })),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
const FeatureService = Type.String({ minLength: 1, maxLength: 200, description: 'feature service predict-from-features reads (default: the one the model was trained on); null clears' });
const SettingsPatch = Type.Object(
  {
    circuitBreaker: Type.Optional(CircuitBreaker),
    unseenCategories: Type.Optional(Type.Union([Type.Literal('missing'), Type.Literal('reject')])),
    batching: Type.Optional(Batching),
    captureSampleRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    captureMasking: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true, description: 'masking policy applied to captured inputs: {"version": 1, "rules": [{"column", "action": "drop|redact|hash|partial", "keep"?}]} (checked by the service, which names the bad field)' }), Type.Null()])),
    captureAttributions: Type.Optional(Type.Boolean({ description: 'store TreeSHAP attributions (shap_<input>, shap_base) with each captured row, computed at capture flush; Kiln GBDT models only (400 naming the model kind otherwise)' })),
    featureService: Type.Optional(Type.Union([FeatureService, Type.Null()])),
  },
  { additionalProperties: false },
);
const MaskingDocument = Type.Object({ version: Type.Integer(), rules: Type.Array(Type.Object({ column: Type.String(), action: Type.String(), keep: Type.Optional(Type.Integer()) })) });
/** An endpoint as stored. */
export const EndpointSchema = Type.Object({
  project: Type.String(),
  name: Type.String(),
  variants: Type.Array(Variant),
  settings: Type.Object({ unseenCategories: Type.String(), batching: Batching, captureSampleRate: Type.Number(), circuitBreaker: Type.Optional(CircuitBreaker), captureMasking: Type.Optional(MaskingDocument), captureAttributions: Type.Optional(Type.Boolean()), featureService: Type.Optional(FeatureService) }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  revision: Type.Integer(),
});
const PageQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), cursor: Type.Optional(Type.String({ maxLength: 4096 })) });

export const ListEndpointsRoute = { summary: 'List endpoints of the project', tags: TAGS, querystring: PageQuery, response: { 200: Type.Object({ endpoints: Type.Array(EndpointSchema), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400) } };
export const CreateEndpointRoute = {
  summary: 'Create an endpoint (one model, or variants with traffic weights)',
  tags: TAGS,
  body: Type.Object({ name: Name, model: Type.Optional(Type.String({ maxLength: 1024 })), variant: Type.Optional(Type.String({ maxLength: 63 })), variants: Type.Optional(Type.Array(Variant, { maxItems: 16 })), settings: Type.Optional(SettingsPatch) }, { additionalProperties: false }),
  response: { 201: EndpointSchema, ...errorResponses(400, 404, 409) },
};
export const GetEndpointRoute = { summary: 'Show an endpoint', tags: TAGS, params: Type.Object({ name: Type.String({ maxLength: 200 }) }), response: { 200: EndpointSchema, ...errorResponses(404) } };
export const UpdateEndpointRoute = {
  summary: 'Change an endpoint: re-point a variant, replace variants, change settings',
  tags: TAGS,
  params: Type.Object({ name: Type.String({ maxLength: 200 }) }),
  body: Type.Object({ model: Type.Optional(Type.String({ maxLength: 1024 })), variant: Type.Optional(Type.String({ maxLength: 63 })), variants: Type.Optional(Type.Array(Variant, { maxItems: 16 })), settings: Type.Optional(SettingsPatch), expectedRevision: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
  response: { 200: EndpointSchema, ...errorResponses(400, 404, 409) },
};
export const DeleteEndpointRoute = { summary: 'Delete an endpoint', tags: TAGS, params: Type.Object({ name: Type.String({ maxLength: 200 }) }), response: { 200: Type.Object({ deleted: Type.String() }), ...errorResponses(404) } };
