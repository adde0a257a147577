// `granny run` (up + submit --wait + teardown in one command) and `granny demo`.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { createLogger, type JobKind, LocalCluster } from "../../actors/mod.js";
import { runDemo } from "./demo.js";
import { submitFromFile, waitAndReport } from "./jobs.js";
import { positiveInt } from "./options.js";

export function runCommands(program: Command): void {
  program
    .command("run")
    .description(
      "start a local cluster, run one job to its end, stop the cluster; exits with the job's status",
    )
    .argument("<module>", "WebAssembly module (.wasm)")
    .argument("[args...]", "program arguments (after --)")
    .option("-n, --granules <N>", "number of granules (MPI ranks)", positiveInt)
    .option("--threads <T>", "vCPUs an OpenMP job may use", positiveInt)
    .option("--hosts <H>", "host processes", positiveInt, 1)
    .option("--slots <S>", "slots per host (default: enough for the job)", positiveInt)
    .option("--kind <kind>", "wasi, mpi or omp (default: detected)")
    .option("-e, --env <KEY=VALUE...>", "environment variables for the program")
    .option("--policy <name>", "placement policy", "bin-pack")
    .action(
      async (
        file: string,
        args: string[],
        opts: {
          granules?: number;
          threads?: number;
          hosts: number;
          slots?: number;
          kind?: JobKind;
          env?: string[];
          policy: string;
        },
      ) => {
        const n = opts.granules ?? opts.threads ?? 1;
        const slots = opts.slots ?? Math.max(1, Math.ceil(n / opts.hosts));
        // The job's output is what matters here: actors report only warnings unless asked.
        process.env.GRANNY_LOG ??= "warn";
        const log = createLogger("run");
        const cpus = availableParallelism();
        if (n > cpus) {
          // A granule is meant to have a vCPU to itself; here they take turns on the cores.
          log.warn(
            `${n} granules on a machine with ${cpus} CPUs: they take turns on the cores (each is meant to have a vCPU of its own), so timings are not those of a cluster`,
          );
        }
        await using cluster = await LocalCluster.start({
          hosts: opts.hosts,
          slots,
          policy: opts.policy,
          log,
        });
        const bus = await cluster.connect("run");
        try {
          const { jobId } = await submitFromFile(bus, file, args, { n, ...opts });
          process.exitCode = await waitAndReport(bus, jobId);
        } finally {
          await bus.close();
        }
      },
    );

  program
    .command("demo")
    .description("the main demo: compile the examples, start a local cluster and run jobs on it")
    .action(async () => {
      process.exitCode = await runDemo();
    });
}
