// Locality-aware fan-in and fan-out over a communicator: ranks on one host talk to their host's
// leader through shared memory, and only leaders cross hosts, so a collective costs one
// cross-host exchange per host rather than one per rank. The root leads its own host.

import type { MpiRank } from "./rank.js";
import type { CommState } from "./state.js";
import { flushSteps, recvSteps, runSteps, type Steps } from "./steps.js";
import type { Outgoing } from "./transport.js";

export interface HostLayout {
  /** Leader (comm rank) of each host that has members, root's host first. */
  readonly leaders: readonly number[];
  /** My host's leader. */
  readonly myLeader: number;
  /** Members of my host other than its leader, by comm rank. */
  readonly myFollowers: readonly number[];
}

/**
 * Layouts by communicator and root, for the placement they were computed under: collectives ask
 * for one at every call, and building it (a map and three arrays) took 0.5-0.8 us of a two-rank
 * MPI_Allreduce's 7-10 us here, twice per call.
 */
const layouts = new WeakMap<CommState, Map<number, { hostOfRank: readonly number[]; layout: HostLayout }>>();

export function hostLayout(rank: MpiRank, c: CommState, root: number): HostLayout {
  let byRoot = layouts.get(c);
  if (byRoot === undefined) {
    byRoot = new Map();
    layouts.set(c, byRoot);
  }
  const cached = byRoot.get(root);
  // A migration changes the placement (a new hostOfRank), never a communicator's group.
  if (cached !== undefined && cached.hostOfRank === rank.data.hostOfRank) return cached.layout;
  const layout = computeLayout(rank, c, root);
  byRoot.set(root, { hostOfRank: rank.data.hostOfRank, layout });
  return layout;
}

function computeLayout(rank: MpiRank, c: CommState, root: number): HostLayout {
  const hostOf = (r: number) => rank.data.hostOfRank[c.group[r] as number] as number;
  const rootHost = hostOf(root);
  const leaderByHost = new Map<number, number>([[rootHost, root]]);
  for (let r = 0; r < c.group.length; r++) {
    const h = hostOf(r);
    if (!leaderByHost.has(h)) leaderByHost.set(h, r);
  }
  const myHost = hostOf(c.rank);
  const myLeader = leaderByHost.get(myHost) as number;
  const myFollowers: number[] = [];
  for (let r = 0; r < c.group.length; r++) if (r !== myLeader && hostOf(r) === myHost) myFollowers.push(r);
  return { leaders: [...leaderByHost.values()], myLeader, myFollowers };
}

/** Root's bytes reach every rank; returns them everywhere. */
export function* fanOutSteps(
  rank: MpiRank,
  c: CommState,
  root: number,
  kind: number,
  what: string,
  rootBytes: Uint8Array | undefined,
  expected: number | undefined,
  seq: number,
): Steps<Uint8Array> {
  const layout = hostLayout(rank, c, root);
  const me = c.rank;
  let bytes: Uint8Array;
  const outs: Outgoing[] = [];
  if (me === root) {
    bytes = rootBytes ?? new Uint8Array(0);
    for (const leader of layout.leaders)
      if (leader !== root) outs.push(rank.collSend(c, leader, kind, bytes, seq));
  } else if (me === layout.myLeader) {
    bytes = yield* recvSteps(rank, c, root, kind, what, expected, seq);
  } else {
    return yield* recvSteps(rank, c, layout.myLeader, kind, what, expected, seq);
  }
  for (const f of layout.myFollowers) outs.push(rank.collSend(c, f, kind, bytes, seq));
  yield* flushSteps(outs);
  return bytes;
}

/**
 * Every rank's bytes are combined towards root: combine(acc, incoming) must fold incoming into
 * acc (order may vary, so only commutative combinations belong here). Returns the result at
 * root, undefined elsewhere.
 */
export function* fanInSteps(
  rank: MpiRank,
  c: CommState,
  root: number,
  kind: number,
  what: string,
  mine: Uint8Array,
  combine: (acc: Uint8Array, incoming: Uint8Array) => void,
  seq: number,
): Steps<Uint8Array | undefined> {
  const layout = hostLayout(rank, c, root);
  const me = c.rank;
  if (me !== layout.myLeader) {
    yield* flushSteps([rank.collSend(c, layout.myLeader, kind, mine, seq)]);
    return undefined;
  }
  const acc = mine.slice();
  for (const f of layout.myFollowers)
    combine(acc, yield* recvSteps(rank, c, f, kind, what, mine.length, seq));
  if (me !== root) {
    yield* flushSteps([rank.collSend(c, root, kind, acc, seq)]);
    return undefined;
  }
  for (const leader of layout.leaders) {
    if (leader !== root) combine(acc, yield* recvSteps(rank, c, leader, kind, what, mine.length, seq));
  }
  return acc;
}

/**
 * Blocking fan-out. A collective takes one sequence number (rank.nextCollSeq) for all its
 * phases, so that a rank in another collective notices the mismatch; without one, the fan-out
 * is a collective of its own.
 */
export function fanOut(
  rank: MpiRank,
  c: CommState,
  root: number,
  kind: number,
  what: string,
  rootBytes: Uint8Array | undefined,
  expected?: number,
  seq: number = rank.nextCollSeq(c),
): Uint8Array {
  return runSteps(rank, fanOutSteps(rank, c, root, kind, what, rootBytes, expected, seq));
}

/** Blocking fan-in; on sequence numbers see fanOut. */
export function fanIn(
  rank: MpiRank,
  c: CommState,
  root: number,
  kind: number,
  what: string,
  mine: Uint8Array,
  combine: (acc: Uint8Array, incoming: Uint8Array) => void,
  seq: number = rank.nextCollSeq(c),
): Uint8Array | undefined {
  return runSteps(rank, fanInSteps(rank, c, root, kind, what, mine, combine, seq));
}
