/**
 * Open the embedded Kiln for one command and always close it.
 */
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';

/** Run `fn` with an open Kiln, closing it afterwards. */
export async function withKiln<T>(fn: (kiln: Kiln) => Promise<T>): Promise<T> {
  const kiln = await openKiln();
  try {
    return await fn(kiln);
  } finally {
    await kiln.close();
  }
}
