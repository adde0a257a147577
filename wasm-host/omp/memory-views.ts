// Typed views over the program's shared linear memory. memory.grow (by malloc in any thread)
// replaces memory.buffer, so a view is re-made when an address falls past its end; addresses the
// program hands us are always inside the memory as it is now.

export class MemoryViews {
  private i32v: Int32Array;
  private u32v: Uint32Array;
  private i64v: BigInt64Array;
  private u64v: BigUint64Array;

  constructor(private readonly memory: WebAssembly.Memory) {
    const buf = memory.buffer;
    this.i32v = new Int32Array(buf);
    this.u32v = new Uint32Array(buf);
    this.i64v = new BigInt64Array(buf);
    this.u64v = new BigUint64Array(buf);
  }

  refresh(): void {
    const buf = this.memory.buffer;
    this.i32v = new Int32Array(buf);
    this.u32v = new Uint32Array(buf);
    this.i64v = new BigInt64Array(buf);
    this.u64v = new BigUint64Array(buf);
  }

  /** An Int32Array over the whole memory that covers byte address addr (for Atomics). */
  i32For(addr: number): Int32Array {
    if (addr + 4 > this.i32v.length * 4) this.refresh();
    return this.i32v;
  }

  getI32(addr: number): number {
    return this.i32For(addr)[addr >>> 2] ?? 0;
  }

  setI32(addr: number, value: number): void {
    this.i32For(addr)[addr >>> 2] = value;
  }

  getU32(addr: number): number {
    if (addr + 4 > this.u32v.length * 4) this.refresh();
    return this.u32v[addr >>> 2] ?? 0;
  }

  setU32(addr: number, value: number): void {
    if (addr + 4 > this.u32v.length * 4) this.refresh();
    this.u32v[addr >>> 2] = value;
  }

  getI64(addr: number): bigint {
    if (addr + 8 > this.i64v.length * 8) this.refresh();
    return this.i64v[addr >>> 3] ?? 0n;
  }

  setI64(addr: number, value: bigint): void {
    if (addr + 8 > this.i64v.length * 8) this.refresh();
    this.i64v[addr >>> 3] = BigInt.asIntN(64, value);
  }

  getU64(addr: number): bigint {
    if (addr + 8 > this.u64v.length * 8) this.refresh();
    return this.u64v[addr >>> 3] ?? 0n;
  }

  setU64(addr: number, value: bigint): void {
    if (addr + 8 > this.u64v.length * 8) this.refresh();
    this.u64v[addr >>> 3] = BigInt.asUintN(64, value);
  }

  fill(addr: number, length: number, value: number): void {
    if (addr + length > this.i32v.length * 4) this.refresh();
    new Uint8Array(this.i32v.buffer, addr, length).fill(value);
  }
}
