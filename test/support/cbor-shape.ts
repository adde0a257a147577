// A minimal, independent CBOR walker: checks that bytes are plain standard CBOR a decoder in any
// language reads (maps with text keys, no tags, no indefinite lengths). It does not use cbor-x,
// so it catches cbor-x extensions (records, typed-array tags) leaking onto the wire.
export function assertPlainCbor(bytes: Uint8Array): void {
  let pos = 0;
  const readLength = (info: number): number => {
    if (info < 24) return info;
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (!size) throw new Error(`indefinite or reserved length (info ${info}) at ${pos}`);
    let n = 0;
    for (let i = 0; i < size; i++) n = n * 256 + (bytes[pos++] ?? 0);
    return n;
  };
  const item = (): void => {
    const head = bytes[pos++];
    if (head === undefined) throw new Error("truncated CBOR");
    const major = head >> 5;
    const info = head & 31;
    switch (major) {
      case 0:
      case 1:
        readLength(info);
        return;
      case 2:
      case 3: {
        const n = readLength(info);
        pos += n;
        return;
      }
      case 4: {
        const n = readLength(info);
        for (let i = 0; i < n; i++) item();
        return;
      }
      case 5: {
        const n = readLength(info);
        for (let i = 0; i < n; i++) {
          if ((bytes[pos] ?? 0) >> 5 !== 3) throw new Error(`map key at ${pos} is not text`);
          item();
          item();
        }
        return;
      }
      case 6:
        throw new Error(`CBOR tag ${readLength(info)} at ${pos}: not plain CBOR`);
      default:
        if (info === 31) throw new Error("break outside indefinite item");
        pos += { 24: 1, 25: 2, 26: 4, 27: 8 }[info] ?? 0;
    }
  };
  if ((bytes[0] ?? 0) >> 5 !== 5) throw new Error("top-level item is not a map");
  item();
  if (pos !== bytes.length) throw new Error(`${bytes.length - pos} trailing bytes`);
}
