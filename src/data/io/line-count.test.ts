import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countLineBreaks, countLines } from './line-count.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-io-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('countLines', () => {
  it('counts a last line without a line break, CRLF as one break, bare CR as one, and nothing for an empty file', async () => {
    const cases: [string, number][] = [['', 0], ['a', 1], ['a\n', 1], ['a\nb', 2], ['a\r\nb\r\n', 2], ['\n\n', 2], ['a\rb\rc', 3], ['a\rb\nc\r\n', 3], ['a\r', 1]];
    for (const [i, [text, lines]] of cases.entries()) {
      const path = join(dir, `case${i}.txt`);
      writeFileSync(path, text);
      expect(await countLines(path), JSON.stringify(text)).toBe(lines);
    }
  });

  it('counts across read-buffer boundaries (a 9 MB file)', async () => {
    const line = 'x'.repeat(99) + '\n';
    const path = join(dir, 'big.txt');
    writeFileSync(path, line.repeat(90_000) + 'tail');
    expect(await countLines(path)).toBe(90_001);
  });

  it('countLineBreaks honours the length limit and views', () => {
    const bytes = new TextEncoder().encode('a\nb\r\nc\r');
    expect(countLineBreaks(bytes)).toBe(3);
    expect(countLineBreaks(bytes, 3)).toBe(1);
    expect(countLineBreaks(bytes.subarray(2))).toBe(2);
  });
});
