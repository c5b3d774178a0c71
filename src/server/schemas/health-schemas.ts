/**
 * TypeBox schemas of the probes: `/healthz` (liveness) and `/readyz` (readiness).
 */
import { Type } from 'typebox';

/** `GET /healthz`: the process answers. */
export const HealthRoute = {
  summary: 'Liveness',
  tags: ['health'],
  response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) },
};

/** `GET /readyz`: one cheap round trip to the metadata store (no table scan). */
export const ReadyRoute = {
  summary: 'Readiness: the metadata store answers a ping',
  tags: ['health'],
  response: {
    200: Type.Object({ status: Type.Literal('ready'), metadata: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]) }),
    503: Type.Object({ status: Type.Literal('unavailable'), errorId: Type.String({ description: 'Find the cause under this id in the server log' }) }),
  },
};
