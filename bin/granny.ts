#!/usr/bin/env node
// The `granny` command: start actor nodes (planner, host, a whole local cluster), submit and
// follow jobs, inspect the cluster, compile programs and run the simulator. Every subcommand is a
// thin front for a room's public entry; the work happens there.
import { Command } from "commander";
import { clusterCommands } from "./commands/cluster.js";
import { jobCommands } from "./commands/jobs.js";
import { runCommands } from "./commands/run.js";
import { toolCommands } from "./commands/tools.js";

const program = new Command()
  .name("granny")
  .description(
    "Run unmodified OpenMP and MPI programs, compiled to WebAssembly, as vCPU-sized granules over NATS",
  )
  .showHelpAfterError()
  .enablePositionalOptions();

clusterCommands(program);
jobCommands(program);
runCommands(program);
toolCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`granny: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
