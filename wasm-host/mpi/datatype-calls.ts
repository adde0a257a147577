// Host calls that build datatypes and user-defined operations.

import { DATATYPE_NULL, OP_NULL, ORDER_C } from "./abi.js";
import {
  pack,
  type TypeInfo,
  typeContiguous,
  typeHvector,
  typeIndexed,
  typeResized,
  typeStruct,
  unpack,
} from "./datatypes.js";
import { mpiError } from "./errors.js";
import type { HostCalls } from "./imports-types.js";
import { FIRST_USER_OP } from "./ops.js";
import type { MpiRank } from "./rank.js";

const ORDER_FORTRAN = 57;

export function datatypeCalls(rank: MpiRank): HostCalls {
  const mem = rank.mem;
  /** MPI_Count is 64 bits even on wasm32. */
  const setCount = (ptr: number, value: number) => mem.dv().setBigInt64(ptr, BigInt(value), true);
  const add = (t: TypeInfo, outPtr: number) => {
    const handle = rank.state.nextType++;
    rank.state.types[handle] = t;
    mem.setI32(outPtr, handle);
    return 0;
  };
  const derived = (handle: number): TypeInfo => {
    const t = rank.state.types[handle];
    if (t === undefined) throw mpiError("MPI_ERR_TYPE", `datatype ${handle} is predefined or invalid`);
    return t;
  };

  return {
    MPI_Type_contiguous(count, old, outPtr) {
      return add(typeContiguous(count, rank.type(old)), outPtr);
    },
    MPI_Type_vector(count, blocklength, stride, old, outPtr) {
      const t = rank.type(old);
      return add(typeHvector(count, blocklength, stride * t.extent, t), outPtr);
    },
    MPI_Type_create_hvector(count, blocklength, strideBytes, old, outPtr) {
      return add(typeHvector(count, blocklength, strideBytes, rank.type(old)), outPtr);
    },
    MPI_Type_indexed(count, blocklengthsPtr, displsPtr, old, outPtr) {
      const t = rank.type(old);
      const displs = mem.ints(displsPtr, count).map((d) => d * t.extent);
      return add(typeIndexed(mem.ints(blocklengthsPtr, count), displs, t), outPtr);
    },
    MPI_Type_create_hindexed(count, blocklengthsPtr, displsPtr, old, outPtr) {
      return add(
        typeIndexed(mem.ints(blocklengthsPtr, count), mem.ints(displsPtr, count), rank.type(old)),
        outPtr,
      );
    },
    MPI_Type_create_indexed_block(count, blocklength, displsPtr, old, outPtr) {
      const t = rank.type(old);
      const displs = mem.ints(displsPtr, count).map((d) => d * t.extent);
      return add(typeIndexed(new Array<number>(count).fill(blocklength), displs, t), outPtr);
    },
    MPI_Type_create_struct(count, blocklengthsPtr, displsPtr, typesPtr, outPtr) {
      const types = mem.ints(typesPtr, count).map((h) => rank.type(h));
      return add(typeStruct(mem.ints(blocklengthsPtr, count), mem.ints(displsPtr, count), types), outPtr);
    },
    MPI_Type_create_subarray(ndims, sizesPtr, subsizesPtr, startsPtr, order, old, outPtr) {
      const t = rank.type(old);
      let sizes = mem.ints(sizesPtr, ndims);
      let subsizes = mem.ints(subsizesPtr, ndims);
      let starts = mem.ints(startsPtr, ndims);
      if (order !== ORDER_C && order !== ORDER_FORTRAN) {
        throw mpiError("MPI_ERR_ARG", `MPI_Type_create_subarray: unknown order ${order}`);
      }
      // Fortran order is C order with the dimensions reversed.
      if (order === ORDER_FORTRAN)
        [sizes, subsizes, starts] = [sizes.reverse(), subsizes.reverse(), starts.reverse()];
      sizes.forEach((n, d) => {
        const sub = subsizes[d] as number;
        const at = starts[d] as number;
        if (n <= 0 || sub < 0 || at < 0 || at + sub > n) {
          throw mpiError(
            "MPI_ERR_ARG",
            `MPI_Type_create_subarray: dimension ${d}: ${sub} from ${at} does not fit ${n}`,
          );
        }
      });
      const strides = sizes.map((_, d) => sizes.slice(d + 1).reduce((a, b) => a * b, 1));
      const last = ndims - 1;
      const displs: number[] = [];
      const walk = (d: number, offset: number): void => {
        if (d === last) {
          displs.push((offset + (starts[d] as number)) * t.extent);
          return;
        }
        for (let i = 0; i < (subsizes[d] as number); i++)
          walk(d + 1, offset + ((starts[d] as number) + i) * (strides[d] as number));
      };
      if (ndims > 0 && subsizes.every((x) => x > 0)) walk(0, 0);
      const inner = subsizes[last] ?? 0;
      const total = sizes.reduce((a, b) => a * b, 1);
      const body = typeIndexed(new Array<number>(displs.length).fill(inner), displs, t);
      return add(typeResized(body, 0, total * t.extent), outPtr);
    },
    MPI_Type_create_resized(old, lb, extent, outPtr) {
      return add(typeResized(rank.type(old), lb, extent), outPtr);
    },
    MPI_Type_dup(old, outPtr) {
      const t = rank.type(old);
      return add({ ...t, predefined: false }, outPtr);
    },
    MPI_Type_commit(typePtr) {
      const handle = mem.i32(typePtr);
      const t = rank.type(handle);
      if (!t.predefined) rank.state.types[handle] = { ...derived(handle), committed: true };
      return 0;
    },
    MPI_Type_free(typePtr) {
      const handle = mem.i32(typePtr);
      derived(handle);
      delete rank.state.types[handle];
      mem.setI32(typePtr, DATATYPE_NULL);
      return 0;
    },
    MPI_Type_size(type, sizePtr) {
      mem.setI32(sizePtr, rank.type(type).size);
      return 0;
    },
    MPI_Type_get_extent(type, lbPtr, extentPtr) {
      const t = rank.type(type);
      mem.setI32(lbPtr, t.lb);
      mem.setI32(extentPtr, t.extent);
      return 0;
    },
    MPI_Type_get_true_extent(type, lbPtr, extentPtr) {
      const t = rank.type(type);
      const first = t.blocks[0];
      const last = t.blocks[t.blocks.length - 1];
      const lo = first === undefined ? 0 : Math.min(...t.blocks.map((b) => b[0]));
      const hi = last === undefined ? 0 : Math.max(...t.blocks.map((b) => b[0] + b[1]));
      mem.setI32(lbPtr, lo);
      mem.setI32(extentPtr, hi - lo);
      return 0;
    },
    MPI_Type_size_x(type, sizePtr) {
      setCount(sizePtr, rank.type(type).size);
      return 0;
    },
    MPI_Type_get_extent_x(type, lbPtr, extentPtr) {
      const t = rank.type(type);
      setCount(lbPtr, t.lb);
      setCount(extentPtr, t.extent);
      return 0;
    },

    MPI_Pack(inbuf, incount, type, outbuf, outsize, positionPtr, comm) {
      rank.comm(comm);
      const bytes = pack(mem.u8(), inbuf, incount, rank.commType(type));
      const position = mem.i32(positionPtr);
      if (position < 0 || position + bytes.length > outsize) {
        throw mpiError(
          "MPI_ERR_TRUNCATE",
          `MPI_Pack: ${bytes.length} bytes at ${position} do not fit ${outsize}`,
        );
      }
      mem.u8().set(bytes, outbuf + position);
      mem.setI32(positionPtr, position + bytes.length);
      return 0;
    },
    MPI_Unpack(inbuf, insize, positionPtr, outbuf, outcount, type, comm) {
      rank.comm(comm);
      const t = rank.commType(type);
      const position = mem.i32(positionPtr);
      const len = outcount * t.size;
      if (position < 0 || position + len > insize) {
        throw mpiError(
          "MPI_ERR_TRUNCATE",
          `MPI_Unpack: ${len} bytes at ${position} are beyond the ${insize} packed`,
        );
      }
      unpack(mem.u8(), outbuf, t, mem.u8().slice(inbuf + position, inbuf + position + len));
      mem.setI32(positionPtr, position + len);
      return 0;
    },
    MPI_Pack_size(incount, type, comm, sizePtr) {
      rank.comm(comm);
      mem.setI32(sizePtr, incount * rank.type(type).size);
      return 0;
    },

    MPI_Get_address(location, addressPtr) {
      // Addresses in linear memory are the pointers themselves (MPI_Aint is 32-bit on wasm32).
      mem.setI32(addressPtr, location);
      return 0;
    },

    MPI_Op_create(fn, commute, opPtr) {
      if (rank.state.runtime === undefined) {
        throw mpiError("MPI_ERR_INTERN", "MPI_Op_create needs the module to be built with granny cc");
      }
      const handle = rank.state.nextOp++;
      rank.state.ops[handle] = { fn, commute: commute !== 0 };
      mem.setI32(opPtr, handle);
      return 0;
    },
    MPI_Op_free(opPtr) {
      const handle = mem.i32(opPtr);
      if (handle < FIRST_USER_OP || rank.state.ops[handle] === undefined) {
        throw mpiError("MPI_ERR_OP", `MPI_Op_free of operation ${handle}, which is not user-defined`);
      }
      delete rank.state.ops[handle];
      mem.setI32(opPtr, OP_NULL);
      return 0;
    },
    MPI_Op_commutative(op, flagPtr) {
      mem.setI32(flagPtr, rank.isCommutative(op) ? 1 : 0);
      return 0;
    },
  };
}
