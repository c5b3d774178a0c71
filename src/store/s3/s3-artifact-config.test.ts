/** S3 settings from `KILN_ARTIFACTS_URL` and the AWS variables. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { parseS3ArtifactsUrl, s3ArtifactConfig } from './s3-artifact-config.js';

describe('parseS3ArtifactsUrl', () => {
  it('splits bucket and prefix, normalizing slashes', () => {
    expect(parseS3ArtifactsUrl('s3://kiln-data')).toEqual({ bucket: 'kiln-data', prefix: '' });
    expect(parseS3ArtifactsUrl('s3://kiln-data/')).toEqual({ bucket: 'kiln-data', prefix: '' });
    expect(parseS3ArtifactsUrl('s3://kiln.data/team/artifacts/')).toEqual({ bucket: 'kiln.data', prefix: 'team/artifacts/' });
  });

  it('rejects bad buckets and prefixes, naming KILN_ARTIFACTS_URL', () => {
    for (const url of ['s3://', 's3://ab', 's3://Upper', 's3://-lead', 's3://a..b/x', 's3://kiln/a//b', 's3://kiln/a/../b', 's3://kiln/a?x=1']) {
      const err = (() => {
        try {
          parseS3ArtifactsUrl(url);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err, url).toBeInstanceOf(UsageError);
      expect((err as UsageError).details.field, url).toBe('KILN_ARTIFACTS_URL');
    }
  });
});

describe('s3ArtifactConfig', () => {
  it('uses AWS defaults without an endpoint', () => {
    const config = s3ArtifactConfig('s3://kiln-data/p', {});
    expect(config).toEqual({ bucket: 'kiln-data', prefix: 'p/', location: 's3://kiln-data/p/', region: 'us-east-1', forcePathStyle: false, maxAttempts: 5, retryMode: 'standard' });
  });

  it('reads endpoint, region, credentials and retries; path style is automatic for custom endpoints', () => {
    const config = s3ArtifactConfig('s3://kiln-data', {
      AWS_ENDPOINT_URL: 'http://generic:9000',
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'tok',
      AWS_MAX_ATTEMPTS: '3',
      AWS_RETRY_MODE: 'adaptive',
    });
    expect(config.endpoint).toEqual({ url: 'http://minio:9000', variable: 'AWS_ENDPOINT_URL_S3' });
    expect(config.region).toBe('eu-west-1');
    expect(config.forcePathStyle).toBe(true);
    expect(config.credentials).toEqual({ accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 'tok' });
    expect([config.maxAttempts, config.retryMode]).toEqual([3, 'adaptive']);
    expect(s3ArtifactConfig('s3://kiln-data', { AWS_ENDPOINT_URL: 'http://x:1', KILN_S3_FORCE_PATH_STYLE: 'false' }).forcePathStyle).toBe(false);
    expect(s3ArtifactConfig('s3://kiln-data', { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('us-west-2');
  });

  it('names the variable that is wrong', () => {
    const fieldOf = (env: NodeJS.ProcessEnv): unknown => {
      try {
        s3ArtifactConfig('s3://kiln-data', env);
      } catch (e) {
        return (e as UsageError).details.field;
      }
      return null;
    };
    expect(fieldOf({ AWS_ENDPOINT_URL: 'not a url' })).toBe('AWS_ENDPOINT_URL');
    expect(fieldOf({ AWS_ENDPOINT_URL_S3: 'ftp://x' })).toBe('AWS_ENDPOINT_URL_S3');
    expect(fieldOf({ AWS_ACCESS_KEY_ID: 'id' })).toBe('AWS_SECRET_ACCESS_KEY');
    expect(fieldOf({ AWS_SECRET_ACCESS_KEY: 's' })).toBe('AWS_ACCESS_KEY_ID');
    expect(fieldOf({ AWS_MAX_ATTEMPTS: '0' })).toBe('AWS_MAX_ATTEMPTS');
    expect(fieldOf({ AWS_RETRY_MODE: 'legacy' })).toBe('AWS_RETRY_MODE');
    expect(fieldOf({ KILN_S3_FORCE_PATH_STYLE: 'maybe' })).toBe('KILN_S3_FORCE_PATH_STYLE');
  });
});
