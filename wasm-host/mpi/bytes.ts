// Byte copies on the message paths, where a typed-array view made per copy (for TypedArray.set)
// costs more than the copy itself when it is short.

/**
 * Copies len bytes; short runs byte by byte, since making a subarray view to hand to
 * TypedArray.set costs more than copying a few dozen bytes.
 */
export function copyBytes(to: Uint8Array, at: number, from: Uint8Array, start: number, len: number): void {
  if (len <= 64) {
    for (let i = 0; i < len; i++) to[at + i] = from[start + i] as number;
  } else {
    to.set(from.subarray(start, start + len), at);
  }
}
