// How V8 compiles granules' WebAssembly, set once per process before any module is compiled
// (imported for its effect by the files that compile or run modules).
//
// By default V8 first compiles every function with its baseline compiler (Liftoff) and moves a
// function to optimised code (TurboFan) only when it is called again after getting hot: it
// cannot replace a running frame. A C program's hot loop often sits in main or in a function
// clang inlined into main, called once, so it ran in baseline code for the whole job (a Jacobi
// stencil took 3x native instead of 1.05x). Granules are long-running compute, so they are
// compiled with TurboFan from the start: compiling is slower (once per module per host, cached),
// running is not. GRANNY_WASM_TIERING=1 restores V8's default.

import v8 from "node:v8";

if (process.env.GRANNY_WASM_TIERING !== "1") v8.setFlagsFromString("--no-liftoff");
