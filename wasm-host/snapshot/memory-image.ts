// Linear memory to and from a MemoryImage: runs of pages that are not all zero are copied out,
// the rest is implied, so a 256 MiB memory of which 1 MiB was touched stores about 1 MiB.

import { createHash } from "node:crypto";
import type { MemoryChunk, MemoryImage } from "./types.js";

export const WASM_PAGE = 65536;
const PAGE_WORDS = WASM_PAGE / 4;

function pageIsZero(words: Uint32Array, page: number): boolean {
  const end = (page + 1) * PAGE_WORDS;
  for (let i = page * PAGE_WORDS; i < end; i++) if (words[i] !== 0) return false;
  return true;
}

/** Copies the memory's non-zero page runs. */
export function captureMemoryImage(memory: WebAssembly.Memory): MemoryImage {
  const buffer = memory.buffer;
  const byteLength = buffer.byteLength;
  const words = new Uint32Array(buffer);
  const pages = byteLength / WASM_PAGE;
  const chunks: MemoryChunk[] = [];
  let runStart = -1;
  const close = (end: number): void => {
    if (runStart < 0) return;
    // slice() copies into a buffer of the chunk's own, so chunks can be transferred.
    chunks.push({
      offset: runStart * WASM_PAGE,
      bytes: new Uint8Array(buffer.slice(runStart * WASM_PAGE, end * WASM_PAGE)),
    });
    runStart = -1;
  };
  for (let p = 0; p < pages; p++) {
    if (pageIsZero(words, p)) close(p);
    else if (runStart < 0) runStart = p;
  }
  close(pages);
  return { byteLength, chunks };
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
