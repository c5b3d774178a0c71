/**
 * The Fastify instance type every route file receives: typed by TypeBox, so a route's schema types its
 * handler's params, query, body and reply.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Kiln } from '../kiln.js';

/** The Kiln HTTP app (Fastify with the TypeBox type provider). */
export type KilnApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A route file: registers its routes (schemas from src/server/schemas/) on the app. */
export type RouteModule = (app: KilnApp, kiln: Kiln) => Promise<void> | void;
