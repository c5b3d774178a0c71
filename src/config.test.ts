import { describe, expect, it } from 'vitest';
import { ConfigValueError, DEFAULT_MAX_UPLOAD_BYTES, resolveConfig } from './config.js';

describe('server configuration', () => {
  it('has safe defaults: no import root, a documented upload limit, info logs', () => {
    const c = resolveConfig({}, {});
    expect(c.importRoot).toBeUndefined();
    expect(c.maxUploadBytes).toBe(DEFAULT_MAX_UPLOAD_BYTES);
    expect(c.maxUploadBytes).toBe(512 * 1024 * 1024);
    expect(c.logLevel).toBe('info');
  });

  it('reads KILN_IMPORT_ROOT (absolute), KILN_MAX_UPLOAD_BYTES and KILN_LOG_LEVEL', () => {
    const c = resolveConfig({}, { KILN_IMPORT_ROOT: 'imports', KILN_MAX_UPLOAD_BYTES: '1048576', KILN_LOG_LEVEL: 'WARN' });
    expect(c.importRoot).toMatch(/^\/.*\/imports$/);
    expect(c.maxUploadBytes).toBe(1048576);
    expect(c.logLevel).toBe('warn');
    expect(resolveConfig({}, { KILN_IMPORT_ROOT: '' }).importRoot).toBeUndefined();
  });

  it('names the variable whose value is unusable', () => {
    for (const v of ['0', '-5', '1e6', '10MB', '1.5']) expect(() => resolveConfig({}, { KILN_MAX_UPLOAD_BYTES: v })).toThrow(ConfigValueError);
    expect(() => resolveConfig({}, { KILN_LOG_LEVEL: 'loud' })).toThrow(/KILN_LOG_LEVEL must be one of/);
  });
});
