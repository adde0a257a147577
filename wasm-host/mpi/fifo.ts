// An ordered queue with cheap removal at its head, for a rank's unexpected messages. A plain
// array's shift() is a copy of the whole array once V8 keeps it in large-object space: a root
// that 400 000 MPI_Reduce calls of a faster peer had left behind spent 74% of its time in it, and
// a reduce took 40 us instead of 2 (by hand). Matching takes the first fit from the head, so
// nearly every removal is at the head; the rare one further in splices.

export class Fifo<T> {
  private items: T[] = [];
  /** Index of the head in items; what is before it has been taken. */
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The i-th item from the head. */
  at(i: number): T | undefined {
    return this.items[this.head + i];
  }

  /** Index (from the head) of the first item that passes test, or -1. */
  findIndex(test: (item: T) => boolean): number {
    const items = this.items;
    for (let k = this.head; k < items.length; k++) if (test(items[k] as T)) return k - this.head;
    return -1;
  }

  find(test: (item: T) => boolean): T | undefined {
    const i = this.findIndex(test);
    return i < 0 ? undefined : this.at(i);
  }

  /** Removes the i-th item from the head. */
  removeAt(i: number): void {
    const items = this.items;
    if (i === 0) {
      items[this.head] = undefined as T; // let the taken item go
      this.head++;
      if (this.head === items.length) {
        items.length = 0;
        this.head = 0;
      } else if (this.head >= COMPACT_AT && this.head * 2 >= items.length) {
        this.items = items.slice(this.head);
        this.head = 0;
      }
    } else {
      items.splice(this.head + i, 1);
    }
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }
}

/** Taken slots at the head kept before the array is compacted (when they are also half of it). */
const COMPACT_AT = 1024;
