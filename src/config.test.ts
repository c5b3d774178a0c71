import { describe, expect, it } from 'vitest';
import { availableParallelism, totalmem } from 'node:os';
import { ConfigValueError, DEFAULT_MAX_UPLOAD_BYTES, parseByteSize, resolveConfig } from './config.js';

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

describe('machine defaults', () => {
  it('defaults threads to the available cores and the memory budget to half the machine', () => {
    const c = resolveConfig({}, {});
    expect(c.threads).toBe(availableParallelism());
    expect(c.memoryBudgetBytes).toBe(Math.floor(totalmem() / 2));
  });

  it('reads KILN_MEMORY_BUDGET and KILN_THREADS', () => {
    const c = resolveConfig({}, { KILN_MEMORY_BUDGET: '4GiB', KILN_THREADS: '3' });
    expect(c.memoryBudgetBytes).toBe(4 * 1024 ** 3);
    expect(c.threads).toBe(3);
  });

  it('refuses a malformed budget or thread count, naming the variable', () => {
    for (const bad of ['4G', 'lots', '-1GiB', '4 GiBs', '1e9', '10MiB']) {
      const err = (() => {
        try {
          resolveConfig({}, { KILN_MEMORY_BUDGET: bad });
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err, bad).toBeInstanceOf(ConfigValueError);
      expect((err as ConfigValueError).message).toContain('KILN_MEMORY_BUDGET');
      expect((err as ConfigValueError).variable).toBe('KILN_MEMORY_BUDGET');
    }
    for (const bad of ['0', 'two', '1.5', '99999']) expect(() => resolveConfig({}, { KILN_THREADS: bad })).toThrow(/KILN_THREADS/);
  });

  it('parses decimal and binary units, case-insensitively', () => {
    expect(parseByteSize('512MiB', 'X')).toBe(512 * 1024 ** 2);
    expect(parseByteSize('2GB', 'X')).toBe(2e9);
    expect(parseByteSize('1.5 gib', 'X')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('1073741824', 'X')).toBe(1024 ** 3);
    expect(parseByteSize('1TiB', 'X')).toBe(1024 ** 4);
  });
});
