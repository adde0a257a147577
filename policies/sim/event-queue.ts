// A binary min-heap of timed events; ties break by insertion order, which keeps runs
// deterministic when two events fall at the same instant.

interface Entry<T> {
  readonly time: number;
  readonly seq: number;
  readonly event: T;
}

export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, event: T): void {
    this.heap.push({ time, seq: this.seq++, event });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { time: number; event: T } | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return { time: top.time, event: top.event };
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a] as Entry<T>;
    const y = this.heap[b] as Entry<T>;
    return x.time < y.time || (x.time === y.time && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a] as Entry<T>;
    this.heap[a] = this.heap[b] as Entry<T>;
    this.heap[b] = x;
  }
}
