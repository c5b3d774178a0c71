/**
 * Typed errors for an S3 artifact store that cannot be used: unreachable endpoint, missing bucket, access
 * denied. They are environment failures (code `internal`: exit 3, HTTP 5xx), not bad input, and each
 * names the variable to fix. `s3ErrorFor` turns an SDK or network error into one of them.
 */
import type { ErrorDetails } from '../../core/errors.js';
import { InternalError, KilnError } from '../../core/errors.js';
import type { S3ArtifactConfig } from './s3-artifact-config.js';

/** Base class: the S3 artifact store is misconfigured or down. */
export class S3ArtifactStoreError extends KilnError {
  constructor(message: string, details: ErrorDetails, hint: string, cause: unknown) {
    super('internal', message, details, hint, { cause });
  }
}

/** The endpoint does not answer (connection refused, DNS failure, timeout). */
export class ArtifactStoreUnreachableError extends S3ArtifactStoreError {}

/** The bucket in KILN_ARTIFACTS_URL does not exist. */
export class ArtifactBucketNotFoundError extends S3ArtifactStoreError {}

/** The credentials are missing, unknown or not allowed to use the bucket. */
export class ArtifactAccessDeniedError extends S3ArtifactStoreError {}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const DENIED_NAMES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'AllAccessDisabled', 'Forbidden']);

/** Maps a failed S3 call (`operation` on `key`) to a typed KilnError; KilnErrors pass through. */
export function s3ErrorFor(err: unknown, config: S3ArtifactConfig, operation: string, key?: string): KilnError {
  if (err instanceof KilnError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const where = config.endpoint ? `${config.endpoint.variable}=${config.endpoint.url}` : `AWS S3 in region ${config.region}`;
  const endpointField = config.endpoint?.variable ?? 'AWS_ENDPOINT_URL_S3';
  const details: ErrorDetails = { field: 'KILN_ARTIFACTS_URL', url: config.location, operation, ...(key ? { key } : {}) };
  if ((e.code !== undefined && NETWORK_CODES.has(e.code)) || e.name === 'TimeoutError' || /socket hang up|ECONNREFUSED|getaddrinfo/i.test(e.message ?? '')) {
    return new ArtifactStoreUnreachableError(
      `cannot reach the S3 endpoint for ${config.location} (${where}): ${e.message ?? e.code ?? 'network error'}`,
      { ...details, field: endpointField },
      `check ${endpointField} (or unset it for AWS) and that the server is running`,
      err,
    );
  }
  if (e.name === 'NoSuchBucket' || (operation === 'HeadBucket' && status === 404)) {
    return new ArtifactBucketNotFoundError(
      `the bucket '${config.bucket}' of KILN_ARTIFACTS_URL=${config.location} does not exist at ${where}`,
      details,
      'create the bucket, or fix the bucket name in KILN_ARTIFACTS_URL',
      err,
    );
  }
  if (e.name === 'CredentialsProviderError') {
    return new ArtifactAccessDeniedError(
      `no AWS credentials for KILN_ARTIFACTS_URL=${config.location}: ${e.message ?? ''}`,
      { ...details, field: 'AWS_ACCESS_KEY_ID' },
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)',
      err,
    );
  }
  if (status === 403 || (e.name !== undefined && DENIED_NAMES.has(e.name))) {
    return new ArtifactAccessDeniedError(
      `access denied to KILN_ARTIFACTS_URL=${config.location} at ${where} (${e.name ?? 'HTTP 403'})`,
      { ...details, field: 'AWS_ACCESS_KEY_ID' },
      'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and that they may read, write, list and delete under the prefix',
      err,
    );
  }
  if (status === 301 || e.name === 'PermanentRedirect' || e.name === 'AuthorizationHeaderMalformed') {
    return new S3ArtifactStoreError(
      `the bucket of KILN_ARTIFACTS_URL=${config.location} is not in region ${config.region}`,
      { ...details, field: 'AWS_REGION' },
      "set AWS_REGION to the bucket's region",
      err,
    );
  }
  return new InternalError(`S3 ${operation}${key ? ` of ${key}` : ''} in ${config.location} failed: ${e.name ?? ''} ${e.message ?? String(err)}`.replace(/\s+/g, ' '), details, { cause: err });
}
