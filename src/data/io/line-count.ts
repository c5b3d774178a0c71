/**
 * Counts the physical lines of a file: line breaks (`\n`, `\r\n`, or a bare `\r`), plus a last line
 * without one. A CSV has at most that many rows (minus header and skipped lines), so a stream that
 * delivered exactly that many rows is known to be complete without a second DuckDB pass over the file
 * (see scan-frames). Counting too many is safe (the caller falls back to `count(*)`); too few is not,
 * which is why bare `\r` breaks count too.
 */
import { open } from 'node:fs/promises';

const READ_BYTES = 4 * 1024 * 1024;
const LF = 10;
const CR = 13;

/** Number of lines in a file: line breaks, plus one if the file does not end with one. */
export async function countLines(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    let lines = 0;
    let last = LF;
    let position = 0;
    while (true) {
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      // A `\r\n` split across two reads counts twice: an over-count, which is safe.
      lines += countLineBreaks(buf, bytesRead);
      last = buf[bytesRead - 1];
    }
    return position > 0 && last !== LF && last !== CR ? lines + 1 : lines;
  } finally {
    await fh.close();
  }
}

/** Line breaks in the first `length` bytes of `bytes`: each `\n`, and each `\r` not followed by `\n`. */
export function countLineBreaks(bytes: Uint8Array, length = bytes.length): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.byteLength));
  let n = 0;
  for (let i = buf.indexOf(LF, 0); i >= 0; i = buf.indexOf(LF, i + 1)) n++;
  // Usually no `\r` at all (one memchr); in CRLF files each is checked against the next byte.
  for (let i = buf.indexOf(CR, 0); i >= 0; i = buf.indexOf(CR, i + 1)) if (buf[i + 1] !== LF) n++;
  return n;
}
