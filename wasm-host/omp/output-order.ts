// Puts the writes of a job's threads back in the order they were made: each write carries a
// sequence number taken when it was made (granny_omp_rt.c, thread-runtime.ts), and messages from
// different worker threads may arrive out of that order.

export class OutputOrder {
  private next = 0;
  private readonly waiting = new Map<number, { fd: 1 | 2; bytes: Uint8Array }>();

  constructor(private readonly deliver: (fd: 1 | 2, bytes: Uint8Array) => void) {}

  push(seq: number, fd: 1 | 2, bytes: Uint8Array): void {
    this.waiting.set(seq, { fd, bytes });
    for (let w = this.waiting.get(this.next); w !== undefined; w = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      this.deliver(w.fd, w.bytes);
    }
  }

  /** Delivers whatever is still held, in order, skipping numbers that never arrived. */
  flush(): void {
    const rest = [...this.waiting.entries()].sort(([a], [b]) => a - b);
    this.waiting.clear();
    for (const [seq, w] of rest) {
      this.next = seq + 1;
      this.deliver(w.fd, w.bytes);
    }
  }
}
