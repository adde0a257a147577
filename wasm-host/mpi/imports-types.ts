// The shape of a group of MPI host calls: name -> function over wasm values (i32 as number,
// f64 as number). A group reads its arguments from linear memory through the rank.

export type HostCall = (...args: number[]) => number | undefined;
export type HostCalls = Record<string, HostCall>;
