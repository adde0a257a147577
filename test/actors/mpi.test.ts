// MPI jobs on the actor runtime: ranks on one host share memory, ranks on different host
// processes exchange over NATS; the output matches the same source under OpenMPI's mpirun.
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterStatus, createLogger, LocalCluster, submitJob, waitJob } from "../../actors/mod.js";
import type { Bus } from "../../bus/mod.js";
import { compileMpi } from "../../wasm-host/mod.js";

const exec = promisify(execFile);
const RING = "test/actors/programs/mpi_ring.c";

let cluster: LocalCluster;
let bus: Bus;
let ringWasm: Uint8Array;
let nativeRing: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "granny-mpi-test-"));
  await compileMpi({ sources: [RING], output: join(dir, "ring.wasm") });
  ringWasm = new Uint8Array(await readFile(join(dir, "ring.wasm")));
  nativeRing = join(dir, "ring");
  await exec("mpicc", ["-O2", RING, "-o", nativeRing]);
  process.env.GRANNY_LOG = "warn";
  cluster = await LocalCluster.start({
    hosts: 2,
    slots: 3,
    heartbeatMs: 250,
    log: createLogger("test", "warn"),
  });
  bus = await cluster.connect("test");
}, 120_000);
afterAll(async () => {
  await bus?.close();
  await cluster?.stop();
});

async function mpirun(np: number): Promise<string> {
  const { stdout } = await exec(
    "mpirun",
    ["--oversubscribe", "--allow-run-as-root", "-np", String(np), nativeRing],
    {
      env: { ...process.env, OMPI_MCA_btl_vader_single_copy_mechanism: "none" },
    },
  );
  return stdout;
}

async function runRing(np: number) {
  const { jobId } = await submitJob(bus, { module: ringWasm, name: "ring.wasm", size: np });
  let out = "";
  const result = await waitJob(bus, jobId, {
    onOutput: (_g, stream, data) => {
      if (stream === "stdout") out += Buffer.from(data).toString();
    },
  });
  const placement =
    (await clusterStatus(bus)).jobs.find((j) => j.id === jobId)?.placement.map((p) => p.host) ?? [];
  return { result, out, placement };
}

describe("MPI jobs on host processes", () => {
  it("runs ranks that share one host", async () => {
    const { result, out, placement } = await runRing(3);
    expect(result).toEqual({ state: "finished", exitCode: 0 });
    expect(new Set(placement).size).toBe(1);
    expect(out).toBe(await mpirun(3));
  });

  it("runs ranks split over two host processes, exchanging over NATS", async () => {
    const { result, out, placement } = await runRing(5);
    expect(result).toEqual({ state: "finished", exitCode: 0 });
    expect(new Set(placement).size).toBe(2);
    expect(out).toBe(await mpirun(5));
  });

  it("refuses at submit a module that imports an MPI function we do not implement", async () => {
    const dir = await mkdtemp(join(tmpdir(), "granny-mpi-missing-"));
    const src = join(dir, "win.c");
    await (await import("node:fs/promises")).writeFile(
      src,
      "#include <mpi.h>\nint main(int c,char**v){MPI_Init(&c,&v);MPI_Win w;MPI_Win_fence(0,w);MPI_Finalize();return 0;}\n",
    );
    await compileMpi({ sources: [src], output: join(dir, "win.wasm") });
    const module = new Uint8Array(await readFile(join(dir, "win.wasm")));
    await expect(submitJob(bus, { module, name: "win.wasm", size: 2 })).rejects.toThrow(/MPI_Win_fence/);
  });
});
