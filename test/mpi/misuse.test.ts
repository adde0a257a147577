// Misuse ends the job with an MPI-style error rather than a hang: an invalid rank, a receive
// buffer too small, mismatched collectives, a rank that exits without MPI_Finalize while others
// wait, MPI_Abort, and a function granny declares but does not implement.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { checkMpiImports, mpiRefusal } from "../../wasm-host/toolchain/mod.js";
import { PROGRAMS, runGranny, wasmModule } from "./support/mpi-build.js";

const runProcess = promisify(execFile);
const misuse = (name: string) => wasmModule(path.join(PROGRAMS, "misuse", `${name}.c`));

function failedMessages(outcomes: readonly { kind: string; message?: string }[]): string[] {
  return outcomes.filter((o) => o.kind !== "exited").map((o) => o.message ?? "");
}

describe.each([
  [1, "one host"],
  [2, "two hosts"],
] as const)("misuse on %i host(s) (%s)", (hosts, _where) => {
  it("an invalid destination rank fails the job with MPI_ERR_RANK", async () => {
    const r = await runGranny(await misuse("invalid_rank"), 3, hosts);
    expect(r.failure?.message).toMatch(
      /^MPI_ERR_RANK: invalid rank 3 in communicator of size 3 \(in MPI_Send on rank 0\)/,
    );
    expect(r.failure?.code).toBe(6);
    const messages = failedMessages(r.outcomes);
    expect(messages).toHaveLength(3);
    expect(messages.every((m) => m.includes("MPI_ERR_RANK"))).toBe(true);
  });

  it("a receive buffer too small fails the job with MPI_ERR_TRUNCATE", async () => {
    const r = await runGranny(await misuse("truncate"), 2, hosts);
    expect(r.failure?.message).toMatch(/^MPI_ERR_TRUNCATE: .*\(in MPI_Recv on rank 1\)/);
    expect(r.failure?.code).toBe(15);
  });

  it("mismatched collectives fail the job instead of hanging", async () => {
    const r = await runGranny(await misuse("mismatched"), 3, hosts);
    // Whichever rank notices first words the error: a barrier rank meeting rank 0's bcast, or
    // (on one host, where the barrier goes through shared memory) rank 0 meeting a rank whose
    // barrier is an earlier collective than its own.
    expect(r.failure?.message).toMatch(
      /mismatched collectives: this rank is in MPI_Barrier while rank 0 called MPI_Bcast|mismatched collectives: this rank is in MPI_Barrier \(collective 1 on MPI_COMM_WORLD\) while rank [12] called MPI_Barrier \(its collective 0\)/,
    );
    expect(r.outcomes.some((o) => o.kind === "failed")).toBe(true);
  });

  it("a root waiting for contributions from ranks in a barrier fails instead of hanging", async () => {
    const r = await runGranny(await misuse("mismatched_root"), 3, hosts);
    expect(r.failure?.message).toMatch(
      /mismatched collectives: this rank is in MPI_Reduce while rank [12] called MPI_Barrier|mismatched collectives: this rank is in MPI_Barrier while rank 0 called MPI_Reduce/,
    );
  });

  it("an allreduce with mismatched counts fails the job", async () => {
    const r = await runGranny(await misuse("mismatched_counts"), 3, hosts);
    expect(r.failure?.message).toMatch(
      /MPI_Allreduce: rank \d contributed \d+ bytes .*\(mismatched counts or types\)/,
    );
  });

  it("a rank leaving without MPI_Finalize fails the peers that wait for it", async () => {
    const r = await runGranny(await misuse("no_finalize"), 3, hosts);
    expect(r.failure?.message).toBe("MPI_ERR_OTHER: rank 1 exited without calling MPI_Finalize");
    expect(r.outcomes[1]).toEqual({ kind: "exited", code: 0 });
    expect(r.outcomes[0]?.kind).toBe("failed");
    expect(r.outcomes[2]?.kind).toBe("failed");
  });

  it("a rank that traps fails the peers waiting for it", async () => {
    const r = await runGranny(await misuse("trap"), 3, hosts);
    expect(r.outcomes[1]?.kind).toBe("trapped");
    expect(r.failure?.message).toMatch(/^rank 1 trapped: /);
    expect(r.outcomes[0]?.kind).toBe("failed");
    expect(r.outcomes[2]?.kind).toBe("failed");
  });

  it("MPI_Abort ends the job with its error code", async () => {
    const r = await runGranny(await misuse("abort"), 3, hosts);
    expect(r.failure).toEqual({ code: 3, message: "MPI_Abort(errorcode 3) called by rank 2" });
    expect(r.outcomes[2]).toEqual({ kind: "exited", code: 3 });
    expect(failedMessages(r.outcomes.slice(0, 2)).every((m) => m.includes("MPI_Abort(errorcode 3)"))).toBe(
      true,
    );
  });
});

describe("functions granny does not implement", () => {
  it("are listed by checkMpiImports so that submit can refuse the module", async () => {
    const report = checkMpiImports(await misuse("unsupported"));
    expect(report.unsupported).toEqual(["MPI_Win_create", "MPI_Win_fence", "MPI_Win_free"]);
    expect(report.used).toEqual([
      "MPI_Finalize",
      "MPI_Init",
      "MPI_Win_create",
      "MPI_Win_fence",
      "MPI_Win_free",
    ]);
    expect(mpiRefusal(report)).toBe(
      "the module uses MPI functions granny does not support: MPI_Win_create, MPI_Win_fence, MPI_Win_free",
    );
  });

  it("end the job with 'MPI_X is not supported' when called anyway", async () => {
    const r = await runGranny(await misuse("unsupported"), 2, 1);
    expect(r.failure?.message).toMatch(/^MPI_Win_create is not supported \(rank [01]\)$/);
    expect(
      failedMessages(r.outcomes).every((m) => m.includes("is not supported") || m.includes("aborted")),
    ).toBe(true);
  });

  it("a module built against another mpi.h is refused with the imports that give it away", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "granny-foreign-"));
    const source = path.join(dir, "foreign.c");
    await writeFile(
      source,
      "int MPI_Init(int *, char ***);\nint main(int c, char **v) { return MPI_Init(&c, &v); }\n",
    );
    const out = path.join(dir, "foreign.wasm");
    await runProcess("clang-19", ["--target=wasm32-wasi", "-O2", "-Wl,--allow-undefined", source, "-o", out]);
    const report = checkMpiImports(await readFile(out));
    expect(report.foreign).toEqual(["env.MPI_Init"]);
    expect(mpiRefusal(report)).toBe(
      'the module imports MPI functions outside the "mpi" namespace (env.MPI_Init): build it with granny cc',
    );
  });

  it("a program using only implemented functions passes the check", async () => {
    const bytes = await readFile(path.join(PROGRAMS, "p2p.c"));
    expect(bytes.length).toBeGreaterThan(0);
    const report = checkMpiImports(await wasmModule(path.join(PROGRAMS, "p2p.c")));
    expect(report.used).toContain("MPI_Sendrecv_replace");
    expect(report.unsupported).toEqual([]);
  });
});
