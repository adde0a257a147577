// Reading and writing a granule's linear memory from host calls. Views are cached and rebuilt
// whenever the memory has grown (growth replaces the buffer).

export class LinearMemory {
  private buffer: ArrayBufferLike | undefined;
  private bytes = new Uint8Array(0);
  private view = new DataView(new ArrayBuffer(0));
  /** Element views, made when first asked for and again after growth (elements()). */
  private doubleView = new Float64Array(0);
  private intView = new Int32Array(0);
  /** The byte view the element views were made beside: refresh() replaces it on growth. */
  private elementsOf: Uint8Array | undefined;

  constructor(private readonly memory: () => WebAssembly.Memory) {}

  private shared = false;

  private refresh(): void {
    // Growing a non-shared memory detaches its old buffer, so cached views read as empty and a
    // non-empty view is current without asking the memory (its buffer getter is not free on
    // every host call). A shared memory grows under a new, longer buffer object instead.
    if (this.bytes.byteLength !== 0 && !this.shared) return;
    const buffer = this.memory().buffer;
    if (buffer !== this.buffer || this.bytes.byteLength !== buffer.byteLength) {
      this.buffer = buffer;
      this.shared = typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
      this.bytes = new Uint8Array(buffer);
      this.view = new DataView(buffer);
    }
  }

  u8(): Uint8Array {
    this.refresh();
    return this.bytes;
  }

  dv(): DataView {
    this.refresh();
    return this.view;
  }

  /** The memory as doubles (index = byte offset / 8). */
  f64s(): Float64Array {
    this.elements();
    return this.doubleView;
  }

  /** The memory as 32-bit ints (index = byte offset / 4). */
  i32s(): Int32Array {
    this.elements();
    return this.intView;
  }

  private elements(): void {
    this.refresh();
    if (this.elementsOf === this.bytes) return;
    this.elementsOf = this.bytes;
    this.doubleView = new Float64Array(this.bytes.buffer, 0, this.bytes.length >> 3);
    this.intView = new Int32Array(this.bytes.buffer, 0, this.bytes.length >> 2);
  }

  i32(ptr: number): number {
    return this.dv().getInt32(ptr, true);
  }

  setI32(ptr: number, value: number): void {
    if (ptr !== 0) this.dv().setInt32(ptr, value, true);
  }

  ints(ptr: number, n: number): number[] {
    const v = this.dv();
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(v.getInt32(ptr + 4 * i, true));
    return out;
  }

  setInts(ptr: number, values: readonly number[]): void {
    const v = this.dv();
    values.forEach((x, i) => {
      v.setInt32(ptr + 4 * i, x, true);
    });
  }

  /** Writes a NUL-terminated string of at most max bytes (including the NUL); returns its length. */
  writeCString(ptr: number, text: string, max: number): number {
    const bytes = new TextEncoder().encode(text).slice(0, Math.max(0, max - 1));
    const mem = this.u8();
    mem.set(bytes, ptr);
    mem[ptr + bytes.length] = 0;
    return bytes.length;
  }

  cString(ptr: number): string {
    const mem = this.u8();
    let end = ptr;
    while (end < mem.length && mem[end] !== 0) end++;
    return new TextDecoder().decode(mem.subarray(ptr, end));
  }
}
