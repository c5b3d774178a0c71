/**
 * Counts the physical lines of a file (a last line without a line break counts too). A CSV has at most
 * that many rows (minus header and skipped lines), so a stream that delivered exactly that many rows is
 * known to be complete without a second DuckDB pass over the file (see scan-frames).
 */
import { open } from 'node:fs/promises';

const READ_BYTES = 4 * 1024 * 1024;

/** Number of lines in a file: `\n` bytes, plus one if the file does not end with one. */
export async function countLines(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    let lines = 0;
    let last = 10;
    let position = 0;
    while (true) {
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      lines += countNewlines(buf, bytesRead);
      last = buf[bytesRead - 1];
    }
    return position > 0 && last !== 10 ? lines + 1 : lines;
  } finally {
    await fh.close();
  }
}

/** `\n` bytes in the first `length` bytes of `bytes`. */
export function countNewlines(bytes: Uint8Array, length = bytes.length): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.byteLength));
  let n = 0;
  let i = buf.indexOf(10, 0);
  while (i >= 0) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}
