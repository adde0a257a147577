// An index of free vCPU slots per host, bucketed by how many are free, so that "fullest host
// that still fits", "emptiest hosts" and "whole empty VMs" are found without sorting hosts.
//
// Buckets are bitsets over host ordinals (a host's position in the view), so hosts with equal
// free slots always come out in view order: a decision depends on the view only, never on the
// history of the index. That is what lets a caller keep one index up to date and hand it in the
// view (the simulator does), while another builds a fresh one per decision (fromView), and both
// get the same decisions. Policies change an index only inside `scratch`, which undoes them.

import type { ClusterView } from "./types.js";

const WORD = 32;

class HostBits {
  words: Uint32Array;

  constructor(capacity: number) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(capacity / WORD)));
  }

  grow(capacity: number): void {
    const needed = Math.ceil(capacity / WORD);
    if (needed <= this.words.length) return;
    const words = new Uint32Array(Math.max(needed, this.words.length * 2));
    words.set(this.words);
    this.words = words;
  }

  set(o: number): void {
    const i = o >>> 5;
    this.words[i] = (this.words[i] ?? 0) | (1 << (o & 31));
  }

  clear(o: number): void {
    const i = o >>> 5;
    this.words[i] = (this.words[i] ?? 0) & ~(1 << (o & 31));
  }

  /** Ordinals in increasing order. */
  *ordinals(): Generator<number> {
    const words = this.words;
    for (let i = 0; i < words.length; i++) {
      let w = words[i] ?? 0;
      while (w !== 0) {
        const low = w & -w;
        yield i * WORD + 31 - Math.clz32(low);
        w ^= low;
      }
    }
  }

  first(): number | undefined {
    const words = this.words;
    for (let i = 0; i < words.length; i++) {
      const w = words[i] ?? 0;
      if (w !== 0) return i * WORD + 31 - Math.clz32(w & -w);
    }
    return undefined;
  }
}

interface Undo {
  readonly ordinal: number;
  readonly free: number;
  readonly usable: boolean;
}

export class FreeSlots {
  private readonly names: string[] = [];
  private readonly slots: number[] = [];
  private readonly free: number[] = [];
  private readonly usable: boolean[] = [];
  private readonly ordinalOf = new Map<string, number>();
  /** buckets[k]: usable hosts with exactly k free slots (k ≥ 1). */
  private buckets: HostBits[] = [];
  private readonly empty = new HostBits(WORD);
  private journal: Undo[] | null = null;
  /** Free slots on usable hosts. */
  totalFree = 0;
  /** Slots of every host, usable or not: the base of the compaction buffer. */
  clusterSlots = 0;

  /** A fresh index of a view; hosts under eviction notice, or listed in `leaving`, take no work. */
  static fromView(view: ClusterView, leaving: Iterable<string> = []): FreeSlots {
    const index = new FreeSlots();
    const leavingSet = new Set(leaving);
    // Size the bitsets once for all hosts: addHost would grow them one host at a time.
    let maxSlots = 0;
    for (const host of view.hosts) maxSlots = Math.max(maxSlots, host.slots);
    const count = view.hosts.length;
    index.buckets = Array.from({ length: maxSlots + 1 }, () => new HostBits(count));
    index.empty.grow(count);
    for (const host of view.hosts) {
      let used = 0;
      for (const n of host.used.values()) used += n;
      const usable = host.evicting !== true && (leavingSet.size === 0 || !leavingSet.has(host.name));
      index.addHost(host.name, host.slots, host.slots - used, usable);
    }
    return index;
  }

  /**
   * Run a decision against the view's own index when it carries one (changes undone after), or
   * against a fresh index built from the view.
   */
  static decide<T>(view: ClusterView, leaving: readonly string[], decision: (index: FreeSlots) => T): T {
    const kept = view.freeSlots;
    if (kept === undefined) return decision(FreeSlots.fromView(view, leaving));
    return kept.scratch(leaving, decision);
  }

  get maxSlots(): number {
    return this.buckets.length - 1;
  }

  /** Append a host; its ordinal is its position, which must match the view's host order. */
  addHost(name: string, slots: number, free: number, usable = true): void {
    const ordinal = this.names.length;
    this.names.push(name);
    this.slots.push(slots);
    this.free.push(0);
    this.usable.push(false);
    this.ordinalOf.set(name, ordinal);
    this.clusterSlots += slots;
    while (this.buckets.length <= slots) this.buckets.push(new HostBits(this.names.length));
    for (const bits of this.buckets) bits.grow(this.names.length);
    this.empty.grow(this.names.length);
    this.setState(ordinal, Math.max(0, free), usable);
  }

  /** A new VM takes an old one's place (same ordinal), empty and usable. */
  replaceHost(name: string, replacement: string, slots: number): void {
    const ordinal = this.ordinal(name);
    this.setState(ordinal, 0, false);
    this.ordinalOf.delete(name);
    this.ordinalOf.set(replacement, ordinal);
    this.names[ordinal] = replacement;
    this.clusterSlots += slots - (this.slots[ordinal] ?? 0);
    this.slots[ordinal] = slots;
    while (this.buckets.length <= slots) this.buckets.push(new HostBits(this.names.length));
    this.setState(ordinal, slots, true);
  }

  setUsable(name: string, usable: boolean): void {
    const ordinal = this.ordinal(name);
    this.setState(ordinal, this.free[ordinal] ?? 0, usable);
  }

  /** Run `decision` with `leaving` hosts unusable, then undo everything it and they changed. */
  scratch<T>(leaving: readonly string[], decision: (index: FreeSlots) => T): T {
    if (this.journal !== null) throw new Error("FreeSlots.scratch does not nest");
    const journal: Undo[] = [];
    this.journal = journal;
    try {
      for (const name of leaving) if (this.ordinalOf.has(name)) this.setUsable(name, false);
      return decision(this);
    } finally {
      this.journal = null;
      for (let i = journal.length - 1; i >= 0; i--) {
        const undo = journal[i] as Undo;
        this.setState(undo.ordinal, undo.free, undo.usable);
      }
    }
  }

  /** Free slots on a usable host; 0 on a host that is leaving or unknown. */
  freeOn(host: string): number {
    const ordinal = this.ordinalOf.get(host);
    return ordinal === undefined || this.usable[ordinal] !== true ? 0 : (this.free[ordinal] ?? 0);
  }

  isUsable(host: string): boolean {
    const ordinal = this.ordinalOf.get(host);
    return ordinal !== undefined && this.usable[ordinal] === true;
  }

  slotsOf(host: string): number {
    const ordinal = this.ordinalOf.get(host);
    return ordinal === undefined ? 0 : (this.slots[ordinal] ?? 0);
  }

  take(host: string, n: number): void {
    const ordinal = this.ordinal(host);
    const free = this.free[ordinal] ?? 0;
    if (this.usable[ordinal] !== true || n > free)
      throw new Error(`cannot take ${n} slots on ${host} (${free} free)`);
    this.setState(ordinal, free - n, true);
  }

  /** Slots released on a host; it keeps them even while leaving, but offers none until usable. */
  give(host: string, n: number): void {
    const ordinal = this.ordinal(host);
    this.setState(
      ordinal,
      Math.min(this.slots[ordinal] ?? 0, (this.free[ordinal] ?? 0) + n),
      this.usable[ordinal] === true,
    );
  }

  /** Usable hosts with free slots, fullest (fewest free) first, in view order within a count. */
  *fullestFirst(): Generator<string> {
    for (let k = 1; k < this.buckets.length; k++) yield* this.namesOf(k);
  }

  /** Usable hosts with free slots, emptiest (most free) first, in view order within a count. */
  *emptiestFirst(): Generator<string> {
    for (let k = this.buckets.length - 1; k >= 1; k--) yield* this.namesOf(k);
  }

  /** The fullest usable host with at least n free slots: the best fit for n granules on one host. */
  bestFit(n: number): string | undefined {
    for (let k = Math.max(1, n); k < this.buckets.length; k++) {
      const ordinal = this.buckets[k]?.first();
      if (ordinal !== undefined) return this.names[ordinal];
    }
    return undefined;
  }

  /** Usable hosts with nothing placed on them, in view order. */
  *emptyHosts(): Generator<string> {
    for (const ordinal of this.empty.ordinals()) yield this.names[ordinal] as string;
  }

  private *namesOf(k: number): Generator<string> {
    const bits = this.buckets[k];
    if (bits === undefined) return;
    for (const ordinal of bits.ordinals()) yield this.names[ordinal] as string;
  }

  private ordinal(host: string): number {
    const ordinal = this.ordinalOf.get(host);
    if (ordinal === undefined) throw new Error(`unknown host ${host}`);
    return ordinal;
  }

  private setState(ordinal: number, free: number, usable: boolean): void {
    const oldFree = this.free[ordinal] ?? 0;
    const oldUsable = this.usable[ordinal] === true;
    this.journal?.push({ ordinal, free: oldFree, usable: oldUsable });
    const slots = this.slots[ordinal] ?? 0;
    if (oldUsable) {
      this.totalFree -= oldFree;
      if (oldFree > 0) this.buckets[oldFree]?.clear(ordinal);
      if (oldFree === slots) this.empty.clear(ordinal);
    }
    this.free[ordinal] = free;
    this.usable[ordinal] = usable;
    if (usable) {
      this.totalFree += free;
      if (free > 0) this.buckets[free]?.set(ordinal);
      if (free === slots) this.empty.set(ordinal);
    }
  }
}
