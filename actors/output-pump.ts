// Coalesces a granule's many small writes into few bus messages: flushed after a short delay or
// once enough bytes gathered, never split out of order. Programs that print line by line would
// otherwise cost one stream publish per line.
const FLUSH_DELAY_MS = 20;
const FLUSH_BYTES = 256 * 1024;

export class OutputPump {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly sink: (data: Uint8Array) => Promise<void>) {}

  write(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  /** Flushes what is left and resolves once everything written so far has been delivered. */
  async close(): Promise<void> {
    this.flush();
    await this.flushing;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingBytes === 0) return;
    const all = new Uint8Array(this.pendingBytes);
    let offset = 0;
    for (const chunk of this.pending) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    const deliveries: Promise<void>[] = [];
    for (let at = 0; at < all.length; at += FLUSH_BYTES)
      deliveries.push(this.sink(all.subarray(at, at + FLUSH_BYTES)));
    this.flushing = Promise.all([this.flushing, ...deliveries]).then(() => undefined);
  }
}
