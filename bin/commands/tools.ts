// Tools beside the cluster: `granny cc` (compile C/C++ to WebAssembly for this runtime) and
// `granny sim` (the policy simulator). Both parse their own arguments in their rooms.
import type { Command } from "commander";
import { simMain } from "../../policies/mod.js";
import { ccMain } from "../../wasm-host/mod.js";

export function toolCommands(program: Command): void {
  program
    .command("cc")
    .description(
      "compile C or C++ (MPI or OpenMP) to WebAssembly for this runtime: granny cc [-o out.wasm] file.c ... [clang flags]",
    )
    .allowUnknownOption()
    .helpOption(false)
    .argument("[args...]")
    .action(async (args: string[]) => {
      process.exitCode = await ccMain(args);
    });

  program
    .command("sim")
    .description(
      "replay a workload on a simulated cluster under each policy: granny sim --preset compaction|elastic|spot",
    )
    .allowUnknownOption()
    .helpOption(false)
    .argument("[args...]")
    .action(async (args: string[]) => {
      process.exitCode = await simMain(args);
    });
}
