// A control point for benchmarks: mpi.MPI_Barrier that does no communication, so what is timed is
// the capture and restore machinery. It reports each barrier to the host; with
// providerData { handshake: true } it waits for the host's go, so the host picks the barrier at
// which a requested snapshot is taken. After a restore it reports "resumed".

import type { ImportContext, ProviderImports } from "../../wasm-host/mod.js";

export function createImports(ctx: ImportContext): ProviderImports {
  const handshake = (ctx.providerData as { handshake?: boolean } | undefined)?.handshake === true;
  return {
    imports: {
      mpi: {
        MPI_Barrier: (): number => {
          const cp = ctx.controlPoints;
          if (cp.rewinding()) {
            cp.endRewind();
            ctx.postToHost({ kind: "resumed" });
            return 0;
          }
          if (!handshake) return 0;
          ctx.postToHost({ kind: "barrier" });
          ctx.receiveFromHost();
          if (cp.snapshotRequested()) cp.suspend("mpi.MPI_Barrier", null);
          return 0;
        },
      },
    },
  };
}
