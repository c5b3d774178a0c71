/**
 * S3 configuration from `KILN_ARTIFACTS_URL=s3://bucket/prefix` and the usual AWS variables:
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (S3-compatible servers), `AWS_REGION` / `AWS_DEFAULT_REGION`,
 * `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`; otherwise the SDK's default chain:
 * profiles, SSO, web identity, instance metadata), `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE` (the SDK's
 * retries), and `KILN_S3_FORCE_PATH_STYLE` (default: on for a custom endpoint, off for AWS).
 * Everything is read from an explicit environment object, so tests need not touch `process.env`.
 */
import { UsageError } from '../../core/errors.js';

/** Resolved S3 settings. */
export interface S3ArtifactConfig {
  bucket: string;
  /** Key prefix, '' or ending in '/'. */
  prefix: string;
  /** `s3://bucket/prefix`, for messages. */
  location: string;
  /** Custom endpoint URL, and the variable it came from (for messages). */
  endpoint?: { url: string; variable: string };
  region: string;
  forcePathStyle: boolean;
  /** Static credentials from the environment; absent means the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Splits `s3://bucket/prefix` into bucket and normalized prefix; UsageError naming KILN_ARTIFACTS_URL. */
export function parseS3ArtifactsUrl(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(url.trim());
  const hint = 'write KILN_ARTIFACTS_URL=s3://BUCKET or s3://BUCKET/PREFIX (bucket: 3-63 of a-z 0-9 . -)';
  if (!match) throw new UsageError(`'${url}' is not an s3:// URL`, { field: 'KILN_ARTIFACTS_URL' }, hint);
  const bucket = match[1];
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new UsageError(`invalid S3 bucket name '${bucket}' in KILN_ARTIFACTS_URL=${url}`, { field: 'KILN_ARTIFACTS_URL' }, hint);
  }
  const raw = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  const segments = raw === '' ? [] : raw.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..') || [...raw].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || c === '\\' || c === '?' || c === '#')) {
    throw new UsageError(`invalid prefix '${raw}' in KILN_ARTIFACTS_URL=${url}`, { field: 'KILN_ARTIFACTS_URL' }, 'use a plain key prefix such as s3://bucket/kiln/artifacts');
  }
  return { bucket, prefix: segments.length === 0 ? '' : `${segments.join('/')}/` };
}

/** Resolves the full S3 configuration for `url` from `env`. */
export function s3ArtifactConfig(url: string, env: NodeJS.ProcessEnv): S3ArtifactConfig {
  const { bucket, prefix } = parseS3ArtifactsUrl(url);
  const endpoint = endpointFrom(env);
  const forcePathStyle = booleanFrom(env, 'KILN_S3_FORCE_PATH_STYLE') ?? endpoint !== undefined;
  const keyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secret = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if ((keyId === undefined) !== (secret === undefined)) {
    const missing = keyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
    throw new UsageError(`${missing} is not set but its partner is`, { field: missing }, 'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use a profile or instance role)');
  }
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  const maxAttempts = nonEmpty(env.AWS_MAX_ATTEMPTS) === undefined ? 5 : Number(env.AWS_MAX_ATTEMPTS);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new UsageError(`AWS_MAX_ATTEMPTS must be an integer 1-20 (got '${env.AWS_MAX_ATTEMPTS}')`, { field: 'AWS_MAX_ATTEMPTS' });
  }
  const retryMode = nonEmpty(env.AWS_RETRY_MODE) ?? 'standard';
  if (retryMode !== 'standard' && retryMode !== 'adaptive') {
    throw new UsageError(`AWS_RETRY_MODE must be 'standard' or 'adaptive' (got '${retryMode}')`, { field: 'AWS_RETRY_MODE' });
  }
  return {
    bucket,
    prefix,
    location: `s3://${bucket}/${prefix}`,
    ...(endpoint ? { endpoint } : {}),
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    forcePathStyle,
    ...(keyId !== undefined && secret !== undefined ? { credentials: { accessKeyId: keyId, secretAccessKey: secret, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    maxAttempts,
    retryMode,
  };
}

function endpointFrom(env: NodeJS.ProcessEnv): { url: string; variable: string } | undefined {
  for (const variable of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
    const value = nonEmpty(env[variable]);
    if (value === undefined) continue;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new UsageError(`${variable}='${value}' is not a URL`, { field: variable }, 'write it as http://host:port or https://host');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UsageError(`${variable}='${value}' must be an http:// or https:// URL`, { field: variable });
    }
    return { url: value, variable };
  }
  return undefined;
}

function booleanFrom(env: NodeJS.ProcessEnv, variable: string): boolean | undefined {
  const value = nonEmpty(env[variable])?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw new UsageError(`${variable} must be true or false (got '${env[variable]}')`, { field: variable });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
