/** Memory that worker threads can view without copies: a SharedArrayBuffer, or a plain buffer where the runtime has none. */

/** A zeroed buffer of `bytes`, shared between threads where the runtime allows it. */
export function sharedBuffer(bytes: number): ArrayBufferLike {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}
