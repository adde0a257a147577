// Linear memory to and from a MemoryImage: runs of pages that are not all zero are copied out,
// the rest is implied, so a 256 MiB memory of which 1 MiB was touched stores about 1 MiB.

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import type { MemoryChunk, MemoryImage } from "./types.js";

export const WASM_PAGE = 65536;
const PAGE_WORDS = WASM_PAGE / 4;

function pageIsZero(words: Uint32Array, page: number): boolean {
  const end = (page + 1) * PAGE_WORDS;
  for (let i = page * PAGE_WORDS; i < end; i++) if (words[i] !== 0) return false;
  return true;
}

/** Copies the runs of pages that `keep` selects, each into a buffer of its own (transferable). */
function copyPageRuns(buffer: ArrayBufferLike, keep: (page: number) => boolean): MemoryChunk[] {
  const pages = buffer.byteLength / WASM_PAGE;
  const chunks: MemoryChunk[] = [];
  let runStart = -1;
  const close = (end: number): void => {
    if (runStart < 0) return;
    chunks.push({
      offset: runStart * WASM_PAGE,
      bytes: new Uint8Array(buffer.slice(runStart * WASM_PAGE, end * WASM_PAGE)),
    });
    runStart = -1;
  };
  for (let p = 0; p < pages; p++) {
    if (!keep(p)) close(p);
    else if (runStart < 0) runStart = p;
  }
  close(pages);
  return chunks;
}

/** Copies the memory's non-zero page runs. */
export function captureMemoryImage(memory: WebAssembly.Memory): MemoryImage {
  const buffer = memory.buffer;
  const words = new Uint32Array(buffer);
  return { byteLength: buffer.byteLength, chunks: copyPageRuns(buffer, (p) => !pageIsZero(words, p)) };
}

/**
 * Makes the memory exactly the image: grows it to the image's size, clears what instantiation
 * wrote (data segments the program has since zeroed must not come back) and copies the chunks in.
 */
export function restoreMemoryImage(memory: WebAssembly.Memory, image: MemoryImage): void {
  const current = memory.buffer.byteLength;
  if (image.byteLength < current) {
    throw new Error(
      `the snapshot's memory (${image.byteLength} bytes) is smaller than the module's initial memory (${current} bytes)`,
    );
  }
  new Uint8Array(memory.buffer).fill(0);
  if (image.byteLength > current) memory.grow((image.byteLength - current) / WASM_PAGE);
  const bytes = new Uint8Array(memory.buffer);
  for (const chunk of image.chunks) bytes.set(chunk.bytes, chunk.offset);
}

/**
 * The pages of the memory that differ from a base image taken earlier (a pre-copy): pages
 * beyond the base, or outside its chunks, are compared with zero. A page that became zero is
 * kept, as zeros, since the base says otherwise. Comparing is memcmp over views, with no copy:
 * for a 64 MiB memory that barely changed it takes milliseconds where a full copy takes tens.
 */
export function captureMemoryDelta(
  memory: WebAssembly.Memory,
  base: MemoryImage,
  baseId: string,
): MemoryImage {
  const buffer = memory.buffer;
  const live = Buffer.from(buffer);
  const zero = Buffer.alloc(WASM_PAGE);
  const basePages = pageIndex(base);
  const differs = (p: number): boolean =>
    live.compare(basePages.get(p) ?? zero, 0, WASM_PAGE, p * WASM_PAGE, (p + 1) * WASM_PAGE) !== 0;
  return { byteLength: buffer.byteLength, chunks: copyPageRuns(buffer, differs), base: baseId };
}

/** Page number -> that page of the image, as a Buffer view (no copy). */
function pageIndex(image: MemoryImage): Map<number, Buffer> {
  const pages = new Map<number, Buffer>();
  for (const c of image.chunks) {
    const view = Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength);
    for (let at = 0; at < c.bytes.byteLength; at += WASM_PAGE) {
      pages.set((c.offset + at) / WASM_PAGE, view.subarray(at, at + WASM_PAGE));
    }
  }
  return pages;
}

/**
 * The full image a delta stands for: its pages written over the base. The base's chunk buffers
 * are patched in place (the caller owns the base and gives it up); pages the base lacks become
 * chunks of their own. The result has no overlapping chunks.
 */
export function applyMemoryDelta(base: MemoryImage, delta: MemoryImage): MemoryImage {
  if (delta.byteLength < base.byteLength) {
    throw new Error(
      `the delta's memory (${delta.byteLength} bytes) is smaller than its base's (${base.byteLength} bytes); memory cannot shrink`,
    );
  }
  const basePages = pageIndex(base);
  const extra: MemoryChunk[] = [];
  for (const c of delta.chunks) {
    for (let at = 0; at < c.bytes.byteLength; at += WASM_PAGE) {
      const page = c.bytes.subarray(at, at + WASM_PAGE);
      const target = basePages.get((c.offset + at) / WASM_PAGE);
      if (target !== undefined) target.set(page);
      else extra.push({ offset: c.offset + at, bytes: page });
    }
  }
  return { byteLength: delta.byteLength, chunks: [...base.chunks, ...extra] };
}

/**
 * Completes a memory that holds exactly the pre-copy `baseId` (a staged restore) with a delta
 * over it: grows it to the delta's size and writes the changed pages; nothing else differs.
 */
export function applyMemoryDeltaInPlace(
  memory: WebAssembly.Memory,
  delta: MemoryImage,
  baseId: string,
): void {
  if (delta.base !== baseId) {
    throw new Error(
      `the snapshot is a delta over pre-copy ${delta.base ?? "(none)"}, not over the staged ${baseId}`,
    );
  }
  const current = memory.buffer.byteLength;
  if (delta.byteLength < current) {
    throw new Error(
      `the snapshot's memory (${delta.byteLength} bytes) is smaller than the staged one (${current} bytes)`,
    );
  }
  if (delta.byteLength > current) memory.grow((delta.byteLength - current) / WASM_PAGE);
  const bytes = new Uint8Array(memory.buffer);
  for (const chunk of delta.chunks) bytes.set(chunk.bytes, chunk.offset);
}

/** sha256 hex of the whole memory the image stands for (zero pages included). */
export function imageDigest(image: MemoryImage): string {
  const hash = createHash("sha256");
  const zeros = new Uint8Array(WASM_PAGE * 16);
  let at = 0;
  const zeroFill = (until: number): void => {
    while (at < until) {
      const n = Math.min(zeros.length, until - at);
      hash.update(zeros.subarray(0, n));
      at += n;
    }
  };
  for (const chunk of [...image.chunks].sort((a, b) => a.offset - b.offset)) {
    zeroFill(chunk.offset);
    hash.update(chunk.bytes);
    at += chunk.bytes.byteLength;
  }
  zeroFill(image.byteLength);
  return hash.digest("hex");
}

/** sha256 hex of a live memory. */
export function memoryDigest(memory: WebAssembly.Memory): string {
  return createHash("sha256").update(new Uint8Array(memory.buffer)).digest("hex");
}

/** Bytes the image stores (its chunks). */
export function storedBytes(image: MemoryImage): number {
  return image.chunks.reduce((n, c) => n + c.bytes.byteLength, 0);
}
