// Communicators, groups and Cartesian topologies. Creating a communicator is collective over
// its parent: members exchange their next free context id (and colour/key for a split) and all
// take the largest, so the new context is unused by every member without a central allocator.

import {
  CART,
  COMM_NULL,
  COMM_SELF,
  COMM_WORLD,
  CONGRUENT,
  ERRORS_ARE_FATAL,
  ERRORS_RETURN,
  GROUP_EMPTY,
  GROUP_NULL,
  IDENT,
  PROC_NULL,
  SIMILAR,
  UNDEFINED,
  UNEQUAL,
} from "./abi.js";
import { copyAttributes, deleteAttributes } from "./attributes.js";
import { mpiError } from "./errors.js";
import { fanOutSteps } from "./hierarchy.js";
import type { HostCalls } from "./imports-types.js";
import { Coll, type MpiRank } from "./rank.js";
import type { CartTopology, CommState } from "./state.js";
import { flushSteps, recvSteps, runSteps, type Steps } from "./steps.js";

/** MPI_COMM_TYPE_SHARED (mpi.h). */
const COMM_TYPE_SHARED = 1;

/** exchangeInts's messages (a generator declared once: see collective-algorithms.ts). */
function* exchangeIntsSteps(
  rank: MpiRank,
  c: CommState,
  bytes: Uint8Array,
  width: number,
  seq: number,
  what: string,
): Steps<Uint8Array> {
  let whole: Uint8Array | undefined;
  if (c.rank === 0) {
    whole = new Uint8Array(width * 4 * c.group.length);
    whole.set(bytes, 0);
    for (let r = 1; r < c.group.length; r++) {
      whole.set(yield* recvSteps(rank, c, r, Coll.commCreate, what, width * 4, seq), r * width * 4);
    }
  } else {
    yield* flushSteps([rank.collSend(c, 0, Coll.commCreate, bytes, seq)]);
  }
  return yield* fanOutSteps(rank, c, 0, Coll.commCreate, what, whole, width * 4 * c.group.length, seq);
}

/** Allgather of a few ints per rank over c's collective context. */
function exchangeInts(rank: MpiRank, c: CommState, mine: readonly number[], what: string): number[][] {
  const width = mine.length;
  const bytes = new Uint8Array(new Int32Array(mine).buffer);
  const seq = rank.nextCollSeq(c);
  const all = runSteps(rank, exchangeIntsSteps(rank, c, bytes, width, seq, what));
  const ints = new Int32Array(all.slice().buffer);
  const out: number[][] = [];
  for (let r = 0; r < c.group.length; r++) out.push(Array.from(ints.subarray(r * width, (r + 1) * width)));
  return out;
}

function addComm(rank: MpiRank, comm: CommState): number {
  rank.state.comms.push(comm);
  return rank.state.comms.length - 1;
}

function addGroup(rank: MpiRank, members: readonly number[]): number {
  if (members.length === 0) return GROUP_EMPTY;
  rank.state.groups.push(members);
  return rank.state.groups.length - 1;
}

function group(rank: MpiRank, handle: number): readonly number[] {
  const g = handle === GROUP_NULL ? undefined : rank.state.groups[handle];
  if (g === undefined || g === null) throw mpiError("MPI_ERR_GROUP", `invalid group ${handle}`);
  return g;
}

/** Agrees on a context id over c; every member must call this the same number of times. */
function agreeContext(
  rank: MpiRank,
  c: CommState,
  extra: readonly number[],
  what: string,
): { ctx: number; all: number[][] } {
  const all = exchangeInts(rank, c, [rank.state.nextCtx, ...extra], what);
  const ctx = Math.max(...all.map((row) => row[0] as number));
  rank.state.nextCtx = ctx + 2;
  return { ctx, all };
}

function newComm(
  group: readonly number[],
  ctx: number,
  me: number,
  parent: CommState,
  cart?: CartTopology,
): CommState {
  return {
    ctx,
    group,
    rank: group.indexOf(me),
    cart,
    collSeq: 0,
    sharedSeq: 0,
    errhandler: parent.errhandler,
    name: "",
    attrs: undefined,
  };
}

export function cartCoords(cart: CartTopology, rank: number): number[] {
  const coords = new Array<number>(cart.dims.length).fill(0);
  let r = rank;
  for (let i = cart.dims.length - 1; i >= 0; i--) {
    const d = cart.dims[i] as number;
    coords[i] = r % d;
    r = Math.floor(r / d);
  }
  return coords;
}

export function cartRank(cart: CartTopology, coords: readonly number[]): number {
  let r = 0;
  for (let i = 0; i < cart.dims.length; i++) {
    const d = cart.dims[i] as number;
    let x = coords[i] as number;
    if (cart.periods[i]) x = ((x % d) + d) % d;
    else if (x < 0 || x >= d) return PROC_NULL;
    r = r * d + x;
  }
  return r;
}

function cartOf(c: CommState): CartTopology {
  if (c.cart === undefined) throw mpiError("MPI_ERR_TOPOLOGY", "the communicator has no Cartesian topology");
  return c.cart;
}

/** Balanced factorisation of nnodes over the zero entries of dims (MPI_Dims_create). */
export function dimsCreate(nnodes: number, dims: number[]): number[] {
  let rest = nnodes;
  for (const d of dims) {
    if (d < 0) throw mpiError("MPI_ERR_DIMS", `negative dimension ${d}`);
    if (d > 0) {
      if (rest % d !== 0)
        throw mpiError("MPI_ERR_DIMS", `${nnodes} nodes cannot be divided by fixed dimension ${d}`);
      rest /= d;
    }
  }
  const free = dims.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0);
  if (free.length === 0) {
    if (rest !== 1) throw mpiError("MPI_ERR_DIMS", `dimensions do not multiply to ${nnodes}`);
    return dims;
  }
  const primes: number[] = [];
  for (let p = 2; p * p <= rest; p++) {
    while (rest % p === 0) {
      primes.push(p);
      rest /= p;
    }
  }
  if (rest > 1) primes.push(rest);
  primes.sort((a, b) => b - a);
  const sizes = new Array<number>(free.length).fill(1);
  for (const p of primes) {
    let smallest = 0;
    for (let i = 1; i < sizes.length; i++)
      if ((sizes[i] as number) < (sizes[smallest] as number)) smallest = i;
    sizes[smallest] = (sizes[smallest] as number) * p;
  }
  sizes.sort((a, b) => b - a);
  const out = dims.slice();
  free.forEach((idx, i) => {
    out[idx] = sizes[i] as number;
  });
  return out;
}

export function commCalls(rank: MpiRank): HostCalls {
  const mem = rank.mem;
  const me = rank.worldRank;

  const split = (c: CommState, color: number, key: number, what: string): CommState | undefined => {
    const { ctx, all } = agreeContext(rank, c, [color, key], what);
    if (color === UNDEFINED) return undefined;
    const members = all
      .map((row, r) => ({ r, color: row[1] as number, key: row[2] as number }))
      .filter((m) => m.color === color)
      .sort((a, b) => a.key - b.key || a.r - b.r)
      .map((m) => c.group[m.r] as number);
    return newComm(members, ctx, me, c);
  };

  return {
    MPI_Comm_size(comm, sizePtr) {
      mem.setI32(sizePtr, rank.comm(comm).group.length);
      return 0;
    },
    MPI_Comm_rank(comm, rankPtr) {
      mem.setI32(rankPtr, rank.comm(comm).rank);
      return 0;
    },
    MPI_Comm_dup(comm, newPtr) {
      const c = rank.comm(comm);
      const { ctx } = agreeContext(rank, c, [], "MPI_Comm_dup");
      const made = newComm(c.group, ctx, me, c, c.cart);
      copyAttributes(rank, comm, c, made);
      mem.setI32(newPtr, addComm(rank, made));
      return 0;
    },
    MPI_Comm_split(comm, color, key, newPtr) {
      const c = rank.comm(comm);
      if (color < 0 && color !== UNDEFINED)
        throw mpiError("MPI_ERR_ARG", `MPI_Comm_split: invalid colour ${color}`);
      const made = split(c, color, key, "MPI_Comm_split");
      mem.setI32(newPtr, made === undefined ? COMM_NULL : addComm(rank, made));
      return 0;
    },
    MPI_Comm_split_type(comm, splitType, key, _info, newPtr) {
      const c = rank.comm(comm);
      // MPI_COMM_TYPE_SHARED: the ranks that share memory are the ranks on one host.
      const color = splitType === COMM_TYPE_SHARED ? (rank.data.hostOfRank[me] as number) : UNDEFINED;
      if (splitType !== COMM_TYPE_SHARED && splitType !== UNDEFINED) {
        throw mpiError("MPI_ERR_ARG", `MPI_Comm_split_type: unknown split type ${splitType}`);
      }
      const made = split(c, color, key, "MPI_Comm_split_type");
      mem.setI32(newPtr, made === undefined ? COMM_NULL : addComm(rank, made));
      return 0;
    },
    MPI_Comm_create(comm, groupHandle, newPtr) {
      const c = rank.comm(comm);
      const g = group(rank, groupHandle);
      const { ctx } = agreeContext(rank, c, [], "MPI_Comm_create");
      mem.setI32(newPtr, g.includes(me) ? addComm(rank, newComm(g, ctx, me, c)) : COMM_NULL);
      return 0;
    },
    MPI_Comm_free(commPtr) {
      const handle = mem.i32(commPtr);
      rank.comm(handle);
      if (handle === COMM_WORLD || handle === COMM_SELF) {
        throw mpiError("MPI_ERR_COMM", "MPI_Comm_free of a predefined communicator");
      }
      deleteAttributes(rank, handle, rank.comm(handle));
      rank.state.comms[handle] = null;
      mem.setI32(commPtr, COMM_NULL);
      return 0;
    },
    MPI_Comm_compare(a, b, resultPtr) {
      const ca = rank.comm(a);
      const cb = rank.comm(b);
      let result: number = UNEQUAL;
      if (a === b) result = IDENT;
      else if (ca.group.length === cb.group.length && ca.group.every((w, i) => cb.group[i] === w))
        result = CONGRUENT;
      else if (ca.group.length === cb.group.length && ca.group.every((w) => cb.group.includes(w)))
        result = SIMILAR;
      mem.setI32(resultPtr, result);
      return 0;
    },
    MPI_Comm_test_inter(comm, flagPtr) {
      rank.comm(comm);
      mem.setI32(flagPtr, 0);
      return 0;
    },
    MPI_Comm_group(comm, groupPtr) {
      mem.setI32(groupPtr, addGroup(rank, rank.comm(comm).group));
      return 0;
    },
    MPI_Comm_set_errhandler(comm, handler) {
      if (handler !== ERRORS_ARE_FATAL && handler !== ERRORS_RETURN) {
        throw mpiError(
          "MPI_ERR_ARG",
          `only MPI_ERRORS_ARE_FATAL and MPI_ERRORS_RETURN are supported, not ${handler}`,
        );
      }
      rank.comm(comm).errhandler = handler;
      return 0;
    },
    MPI_Comm_get_errhandler(comm, handlerPtr) {
      mem.setI32(handlerPtr, rank.comm(comm).errhandler);
      return 0;
    },
    MPI_Errhandler_free(handlerPtr) {
      mem.setI32(handlerPtr, 0);
      return 0;
    },
    MPI_Comm_set_name(comm, namePtr) {
      rank.comm(comm).name = mem.cString(namePtr);
      return 0;
    },
    MPI_Comm_get_name(comm, namePtr, lenPtr) {
      mem.setI32(lenPtr, mem.writeCString(namePtr, rank.comm(comm).name, 64));
      return 0;
    },

    MPI_Group_size(g, sizePtr) {
      mem.setI32(sizePtr, group(rank, g).length);
      return 0;
    },
    MPI_Group_rank(g, rankPtr) {
      const i = group(rank, g).indexOf(me);
      mem.setI32(rankPtr, i < 0 ? UNDEFINED : i);
      return 0;
    },
    MPI_Group_incl(g, n, ranksPtr, newPtr) {
      const members = group(rank, g);
      const picked = mem.ints(ranksPtr, n).map((r) => {
        const w = members[r];
        if (w === undefined || r < 0)
          throw mpiError("MPI_ERR_RANK", `MPI_Group_incl: rank ${r} is not in the group`);
        return w;
      });
      if (new Set(picked).size !== picked.length)
        throw mpiError("MPI_ERR_RANK", "MPI_Group_incl: ranks repeat");
      mem.setI32(newPtr, addGroup(rank, picked));
      return 0;
    },
    MPI_Group_excl(g, n, ranksPtr, newPtr) {
      const members = group(rank, g);
      const drop = new Set(mem.ints(ranksPtr, n));
      for (const r of drop)
        if (r < 0 || r >= members.length) throw mpiError("MPI_ERR_RANK", `MPI_Group_excl: rank ${r}`);
      mem.setI32(
        newPtr,
        addGroup(
          rank,
          members.filter((_, i) => !drop.has(i)),
        ),
      );
      return 0;
    },
    MPI_Group_translate_ranks(g1, n, ranksPtr, g2, outPtr) {
      const a = group(rank, g1);
      const b = group(rank, g2);
      const out = mem.ints(ranksPtr, n).map((r) => {
        if (r === PROC_NULL) return PROC_NULL;
        const w = a[r];
        if (w === undefined) throw mpiError("MPI_ERR_RANK", `MPI_Group_translate_ranks: rank ${r}`);
        const j = b.indexOf(w);
        return j < 0 ? UNDEFINED : j;
      });
      mem.setInts(outPtr, out);
      return 0;
    },
    MPI_Group_union(g1, g2, newPtr) {
      const a = group(rank, g1);
      const b = group(rank, g2);
      mem.setI32(newPtr, addGroup(rank, [...a, ...b.filter((w) => !a.includes(w))]));
      return 0;
    },
    MPI_Group_intersection(g1, g2, newPtr) {
      const b = group(rank, g2);
      mem.setI32(
        newPtr,
        addGroup(
          rank,
          group(rank, g1).filter((w) => b.includes(w)),
        ),
      );
      return 0;
    },
    MPI_Group_difference(g1, g2, newPtr) {
      const b = group(rank, g2);
      mem.setI32(
        newPtr,
        addGroup(
          rank,
          group(rank, g1).filter((w) => !b.includes(w)),
        ),
      );
      return 0;
    },
    MPI_Group_compare(g1, g2, resultPtr) {
      const a = group(rank, g1);
      const b = group(rank, g2);
      let result: number = UNEQUAL;
      if (a.length === b.length && a.every((w, i) => b[i] === w)) result = IDENT;
      else if (a.length === b.length && a.every((w) => b.includes(w))) result = SIMILAR;
      mem.setI32(resultPtr, result);
      return 0;
    },
    MPI_Group_free(groupPtr) {
      const handle = mem.i32(groupPtr);
      group(rank, handle);
      if (handle !== GROUP_EMPTY) rank.state.groups[handle] = null;
      mem.setI32(groupPtr, GROUP_NULL);
      return 0;
    },

    MPI_Cart_create(comm, ndims, dimsPtr, periodsPtr, _reorder, newPtr) {
      const c = rank.comm(comm);
      const dims = mem.ints(dimsPtr, ndims);
      const periods = mem.ints(periodsPtr, ndims).map((p) => p !== 0);
      const nnodes = dims.reduce((a, b) => a * b, 1);
      if (dims.some((d) => d <= 0) || nnodes > c.group.length) {
        throw mpiError(
          "MPI_ERR_DIMS",
          `MPI_Cart_create: grid ${dims.join("x")} does not fit ${c.group.length} ranks`,
        );
      }
      const { ctx } = agreeContext(rank, c, [], "MPI_Cart_create");
      const members = c.group.slice(0, nnodes);
      mem.setI32(
        newPtr,
        c.rank < nnodes ? addComm(rank, newComm(members, ctx, me, c, { dims, periods })) : COMM_NULL,
      );
      return 0;
    },
    MPI_Cart_sub(comm, remainPtr, newPtr) {
      const c = rank.comm(comm);
      const cart = cartOf(c);
      const remain = mem.ints(remainPtr, cart.dims.length).map((x) => x !== 0);
      const coords = cartCoords(cart, c.rank);
      let color = 0;
      let key = 0;
      cart.dims.forEach((d, i) => {
        if (remain[i]) key = key * d + (coords[i] as number);
        else color = color * d + (coords[i] as number);
      });
      const made = split(c, color, key, "MPI_Cart_sub") as CommState;
      const sub: CartTopology = {
        dims: cart.dims.filter((_, i) => remain[i]),
        periods: cart.periods.filter((_, i) => remain[i]),
      };
      mem.setI32(newPtr, addComm(rank, { ...made, cart: sub }));
      return 0;
    },
    MPI_Cart_coords(comm, r, maxdims, coordsPtr) {
      const c = rank.comm(comm);
      const cart = cartOf(c);
      if (r < 0 || r >= c.group.length) throw mpiError("MPI_ERR_RANK", `MPI_Cart_coords: rank ${r}`);
      mem.setInts(coordsPtr, cartCoords(cart, r).slice(0, maxdims));
      return 0;
    },
    MPI_Cart_rank(comm, coordsPtr, rankPtr) {
      const cart = cartOf(rank.comm(comm));
      const coords = mem.ints(coordsPtr, cart.dims.length);
      const r = cartRank(cart, coords);
      if (r === PROC_NULL)
        throw mpiError(
          "MPI_ERR_ARG",
          `MPI_Cart_rank: coordinates (${coords.join(",")}) are outside the grid`,
        );
      mem.setI32(rankPtr, r);
      return 0;
    },
    MPI_Cart_shift(comm, direction, disp, srcPtr, destPtr) {
      const c = rank.comm(comm);
      const cart = cartOf(c);
      if (direction < 0 || direction >= cart.dims.length) {
        throw mpiError("MPI_ERR_ARG", `MPI_Cart_shift: direction ${direction} of ${cart.dims.length}`);
      }
      const coords = cartCoords(cart, c.rank);
      const at = (delta: number) => {
        const moved = coords.slice();
        moved[direction] = (moved[direction] as number) + delta;
        return cartRank(cart, moved);
      };
      mem.setI32(srcPtr, at(-disp));
      mem.setI32(destPtr, at(disp));
      return 0;
    },
    MPI_Cart_get(comm, maxdims, dimsPtr, periodsPtr, coordsPtr) {
      const c = rank.comm(comm);
      const cart = cartOf(c);
      mem.setInts(dimsPtr, cart.dims.slice(0, maxdims));
      mem.setInts(
        periodsPtr,
        cart.periods.slice(0, maxdims).map((p) => (p ? 1 : 0)),
      );
      mem.setInts(coordsPtr, cartCoords(cart, c.rank).slice(0, maxdims));
      return 0;
    },
    MPI_Cartdim_get(comm, ndimsPtr) {
      mem.setI32(ndimsPtr, cartOf(rank.comm(comm)).dims.length);
      return 0;
    },
    MPI_Topo_test(comm, statusPtr) {
      mem.setI32(statusPtr, rank.comm(comm).cart === undefined ? UNDEFINED : CART);
      return 0;
    },
    MPI_Dims_create(nnodes, ndims, dimsPtr) {
      mem.setInts(dimsPtr, dimsCreate(nnodes, mem.ints(dimsPtr, ndims)));
      return 0;
    },
  };
}
