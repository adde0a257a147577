// Tools beside the cluster: `granny cc` (compile C/C++ to WebAssembly for this runtime) and
// `granny sim` (the policy simulator). Both parse their own arguments in their rooms.
import type { Command } from "commander";

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
      const { ccMain } = await import("../../wasm-host/mod.js").then(
        (m) => m as unknown as { ccMain?: (a: string[]) => Promise<number> },
      );
      if (!ccMain) throw new Error("granny cc is not available in this build");
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
      const { simMain } = await import("../../policies/registry.js").then(
        (m) => m as unknown as { simMain?: (a: string[]) => Promise<number> },
      );
      if (!simMain) throw new Error("granny sim is not available in this build");
      process.exitCode = await simMain(args);
    });
}
