// `granny cc [-o out.wasm] file.c ... [clang flags]`: the command-line face of compileMpi.
// Returns the process exit status; diagnostics go to stderr as clang printed them.

import { readFile } from "node:fs/promises";
import { compileOpenMp, OpenMpCompileError } from "../omp-toolchain/mod.js";
import { checkMpiImports, mpiRefusal } from "./check-imports.js";
import { CompileError, compileMpi } from "./compile.js";

const SOURCE = /\.(c|cc|cpp|cxx|c\+\+|C|o|a)$/;

export async function ccMain(argv: readonly string[]): Promise<number> {
  const sources: string[] = [];
  const flags: string[] = [];
  let output = "a.out.wasm";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-o") {
      const next = argv[++i];
      if (next === undefined) {
        process.stderr.write("granny cc: -o needs a file name\n");
        return 2;
      }
      output = next;
    } else if (arg.startsWith("-o") && arg.length > 2) {
      output = arg.slice(2);
    } else if (arg === "-h" || arg === "--help") {
      process.stdout.write(
        "usage: granny cc [-o out.wasm] file.c ... [clang flags]\n" +
          "Compiles MPI programs (C or C++) to WebAssembly for granny: clang-19 --target=wasm32-wasi -O3 -msimd128\n" +
          "-mllvm -force-vector-interleave=4, with granny's mpi.h. Later flags override the defaults.\n" +
          "With -fopenmp: an OpenMP program (threads over one shared memory) with granny's OpenMP runtime.\n",
      );
      return 0;
    } else if (!arg.startsWith("-") && SOURCE.test(arg)) {
      sources.push(arg);
    } else {
      flags.push(arg);
    }
  }
  try {
    if (flags.includes("-fopenmp")) {
      // OpenMP programs: threads over one shared memory, with granny's OpenMP runtime.
      const omp = await compileOpenMp({ sources, output, flags: flags.filter((f) => f !== "-fopenmp") });
      if (omp.diagnostics !== "") process.stderr.write(omp.diagnostics);
      return 0;
    }
    const result = await compileMpi({ sources, output, flags });
    if (result.diagnostics !== "") process.stderr.write(result.diagnostics);
    const refusal = mpiRefusal(checkMpiImports(await readFile(output)));
    if (refusal !== undefined)
      process.stderr.write(`granny cc: warning: ${output} would be refused at submit: ${refusal}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(
      `${e instanceof CompileError || e instanceof OpenMpCompileError ? e.message : String(e)}\n`,
    );
    return 1;
  }
}
