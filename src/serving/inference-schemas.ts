/**
 * Route schemas of the inference API: path parameters only (they type the handlers and document the
 * routes in OpenAPI). Bodies are checked by the input plan against each model's signature instead of a
 * JSON schema, so a 400 can list every bad field of every instance.
 */
import { Type } from 'typebox';

const Name = Type.String({ description: 'Endpoint name (the model name in the Open Inference Protocol)', maxLength: 63 });
const Version = Type.String({ description: 'A model version the endpoint serves (as in modelVersion)', maxLength: 300 });
const AnyBody = Type.Unknown({ description: 'JSON payload (see docs/serving.md)' });

/** `POST /v1/endpoints/{name}/predict`. */
export const PredictRoute = { summary: 'Score instances with an endpoint (native API)', tags: ['serving'], params: Type.Object({ name: Name }), body: AnyBody };
/** Model routes without a version. */
export const ModelRoute = { summary: 'Open Inference Protocol model route', tags: ['serving'], params: Type.Object({ name: Name }) };
/** Model routes with a version. */
export const ModelVersionRoute = { summary: 'Open Inference Protocol model route (one version)', tags: ['serving'], params: Type.Object({ name: Name, version: Version }) };
/** Inference with a body. */
export const InferRoute = { ...ModelRoute, summary: 'Open Inference Protocol inference', body: AnyBody };
export const InferVersionRoute = { ...ModelVersionRoute, summary: 'Open Inference Protocol inference (one version)', body: AnyBody };
/** Probes and server metadata. */
export const ProbeRoute = { summary: 'Open Inference Protocol health and server metadata', tags: ['serving'] };
/** `POST /v1/endpoints/{name}/explain`. */
export const ExplainRoute = {
  summary: 'TreeSHAP attributions for instances with the endpoint\'s current model (raw output space; base + sum == raw)',
  tags: ['serving'],
  params: Type.Object({ name: Name }),
  body: AnyBody,
  response: {
    200: Type.Object({
      modelVersion: Type.String(),
      variant: Type.String(),
      method: Type.Literal('tree'),
      outputs: Type.Array(Type.String(), { description: '"raw", or class labels for multiclass margins' }),
      columns: Type.Array(Type.String()),
      base: Type.Array(Type.Number()),
      attributions: Type.Array(Type.Array(Type.Array(Type.Number())), { description: 'per instance: outputs x columns' }),
      raw: Type.Array(Type.Array(Type.Number())),
      predictions: Type.Array(Type.Union([Type.String(), Type.Number()])),
    }),
  },
};
