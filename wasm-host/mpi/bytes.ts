// Byte copies on the message paths, where a typed-array view made per copy (for TypedArray.set)
// costs more than the copy itself when it is short.

/**
 * Copies len bytes; short runs byte by byte, since making a subarray view to hand to
 * TypedArray.set costs more than copying a few dozen bytes.
 */
/**
 * Runs up to this long are copied four bytes at a time through DataViews where the caller has
 * them (copyShort): a byte loop over a shared typed array took 130 ns for 64 bytes here, the
 * DataView loop 44 ns, and TypedArray.set with its subarray view 73 ns.
 */
export const SHORT_COPY = 96;

export function copyShort(to: DataView, at: number, from: DataView, start: number, len: number): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) to.setInt32(at + i, from.getInt32(start + i, true), true);
  for (; i < len; i++) to.setUint8(at + i, from.getUint8(start + i));
}

export function copyBytes(to: Uint8Array, at: number, from: Uint8Array, start: number, len: number): void {
  if (len <= 64) {
    for (let i = 0; i < len; i++) to[at + i] = from[start + i] as number;
  } else {
    to.set(from.subarray(start, start + len), at);
  }
}
