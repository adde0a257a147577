// Migration of MPI ranks at barriers between two in-process hosts (two routers linked directly,
// in place of NATS): a rank moves from host A to host B and back, more than once, and a second
// rank moves too; the program's output is identical to an unmigrated run and to the native
// OpenMPI build, every restored memory matches its snapshot bit for bit, and the snapshots carry
// messages that were in the rank's inbox but not yet received.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { instrumentForControlPoints } from "../../wasm-host/mod.js";
import { compileMpi } from "../../wasm-host/toolchain/mod.js";
import { nativeProgram, runMpirun } from "../mpi/support/mpi-build.js";
import { MigratingJob } from "./support/migrating-job.js";

const SOURCE = fileURLToPath(new URL("./programs/ring_barriers.c", import.meta.url));
const RANKS = 4;
const ITERATIONS = "40";

let scratch: string | undefined;

async function buildWasm(source = SOURCE): Promise<Uint8Array> {
  scratch ??= await mkdtemp(path.join(os.tmpdir(), "granny-migration-"));
  const output = path.join(scratch, `${path.basename(source, ".c")}.wasm`);
  await compileMpi({ sources: [source], output });
  return new Uint8Array(await readFile(output));
}

/** The program instrumented and started as a job of RANKS ranks on hosts A, A, B, B. */
async function startJob(label: string, source = SOURCE, args = [ITERATIONS]): Promise<MigratingJob> {
  const instrumented = await instrumentForControlPoints(await buildWasm(source));
  return new MigratingJob(instrumented.bytes, instrumented.hash, ["A", "A", "B", "B"], args, label);
}

afterAll(async () => {
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

describe("migrating MPI ranks at barriers", () => {
  it("moves ranks between hosts and back, repeatedly, with output identical to unmigrated and native runs", async () => {
    const instrumented = await instrumentForControlPoints(await buildWasm());
    const native = await runMpirun(await nativeProgram(SOURCE), RANKS, [ITERATIONS]);
    expect(native.code).toBe(0);
    expect(native.stdout).toContain("rank 3 digest");

    const placement = ["A", "A", "B", "B"];
    const plain = new MigratingJob(instrumented.bytes, instrumented.hash, placement, [ITERATIONS], "plain");
    const plainOutcomes = await plain.outcomes();
    plain.close();
    expect(plainOutcomes).toEqual(Array.from({ length: RANKS }, () => ({ kind: "exited", code: 0 })));
    expect(plain.stdout[0]).toBe(native.stdout);

    const job = new MigratingJob(instrumented.bytes, instrumented.hash, placement, [ITERATIONS], "moved");
    try {
      const moves: [number, string][] = [
        [1, "B"],
        [1, "A"],
        [1, "B"],
        [0, "B"],
        [1, "A"],
        [0, "A"],
      ];
      for (const [rank, to] of moves) {
        const record = await job.migrate(rank, to);
        expect(record.memoryMatches, `memory of rank ${rank} after moving to ${to}`).toBe(true);
        expect(record.snapshotBytes).toBeGreaterThan(0);
      }
      const outcomes = await job.outcomes();
      expect(outcomes).toEqual(Array.from({ length: RANKS }, () => ({ kind: "exited", code: 0 })));
      expect(job.stdout[0]).toBe(native.stdout);
      expect(job.migrations.map((m) => [m.rank, m.from, m.to])).toEqual([
        [1, "A", "B"],
        [1, "B", "A"],
        [1, "A", "B"],
        [0, "A", "B"],
        [1, "B", "A"],
        [0, "B", "A"],
      ]);
      // Messages sent before the barrier and received after it travelled inside the snapshots.
      expect(job.migrations.every((m) => m.carriedMessages > 0)).toBe(true);
    } finally {
      job.close();
      await job.kill();
    }
  });

  it("holds every rank of a job at one barrier when one host asks, and lets them all go on", async () => {
    const native = await runMpirun(await nativeProgram(SOURCE), RANKS, [ITERATIONS]);
    const job = await startJob("held");
    try {
      for (let i = 0; i < 3; i++) {
        expect(await job.holdAndRelease(i % 2 === 0 ? "B" : "A")).toEqual({ A: [0, 1], B: [2, 3] });
      }
      expect(await job.outcomes()).toEqual(
        Array.from({ length: RANKS }, () => ({ kind: "exited", code: 0 })),
      );
      expect(job.stdout[0]).toBe(native.stdout);
    } finally {
      job.close();
      await job.kill();
    }
  });

  it("freezes a whole job at a barrier and thaws it on other hosts, one of them new to the job", async () => {
    const native = await runMpirun(await nativeProgram(SOURCE), RANKS, [ITERATIONS]);
    const job = await startJob("frozen");
    try {
      const all = await job.migrateMany([
        [0, "B"],
        [1, "C"],
        [2, "C"],
        [3, "A"],
      ]);
      expect(all.every((m) => m.memoryMatches)).toBe(true);
      // and back where it started, later
      await job.migrate(2, "B");
      const outcomes = await job.outcomes();
      expect(outcomes).toEqual(Array.from({ length: RANKS }, () => ({ kind: "exited", code: 0 })));
      expect(job.stdout[0]).toBe(native.stdout);
    } finally {
      job.close();
      await job.kill();
    }
  });

  it("moves ranks while other ranks keep nonblocking requests open across the barrier", async () => {
    const source = fileURLToPath(new URL("./programs/pending_requests.c", import.meta.url));
    const native = await runMpirun(await nativeProgram(source), 4, ["30"]);
    expect(native.code).toBe(0);
    const job = await startJob("pending", source, ["30"]);
    try {
      for (const [rank, to] of [
        [1, "B"],
        [2, "A"],
        [1, "A"],
        [2, "B"],
      ] as const) {
        expect((await job.migrate(rank, to)).memoryMatches).toBe(true);
      }
      expect(await job.outcomes()).toEqual(Array.from({ length: 4 }, () => ({ kind: "exited", code: 0 })));
      expect(job.stdout[0]).toBe(native.stdout);
    } finally {
      job.close();
      await job.kill();
    }
  });

  it("fails the job, saying why, when a rank with open requests is asked to snapshot", async () => {
    const source = fileURLToPath(new URL("./programs/pending_requests.c", import.meta.url));
    const job = await startJob("refused", source, ["30"]);
    try {
      await expect(job.migrate(0, "B")).rejects.toThrow(
        /cannot be snapshotted at MPI_Barrier with 2 request/,
      );
      const outcomes = await job.outcomes();
      expect(outcomes.every((o) => o.kind !== "exited" || o.code !== 0)).toBe(true);
    } finally {
      job.close();
      await job.kill();
    }
  });

  it("fails the whole job cleanly when a moved rank's snapshot cannot be restored", async () => {
    const job = await startJob("bad");
    try {
      // The MPI state says it is another rank's: the provider refuses it before anything runs.
      const move = job.migrateMany([[1, "B"]], (s) => ({
        ...s,
        provider: { ...(s.provider as Record<string, unknown>), worldRank: 2 },
      }));
      await expect(move).rejects.toThrow(/ended before it was restored/);
      const outcomes = await job.outcomes();
      expect(outcomes[1]).toMatchObject({ kind: "failed", reason: "provider" });
      expect(outcomes[1]?.kind === "failed" && outcomes[1].message).toMatch(
        /snapshot's MPI state is invalid/,
      );
      expect(outcomes.every((o) => o.kind === "failed")).toBe(true);
      expect(job.failure).toMatch(/rank 1 failed/);
      // A host waiting for its ranks to be held learns of the failure rather than waiting on.
      await expect(job.routers.get("A")?.whenHeld()).rejects.toThrow(/failed/);
      expect(job.stdout[0]).not.toContain("rank 3 digest");
    } finally {
      job.close();
      await job.kill();
    }
  });
});
