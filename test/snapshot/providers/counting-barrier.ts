// A stand-in control point for the runner's tests: mpi.MPI_Barrier that only counts its calls
// (the count is this provider's state, carried in snapshots) and asks the host for permission to
// go on through postToHost/receiveFromHost when told to, so a test can pick the barrier at which
// a snapshot is taken. The real MPI barrier lives in wasm-host/mpi/barrier.ts.

import type { ImportContext, ProviderImports } from "../../../wasm-host/mod.js";

interface CounterState {
  readonly calls: number;
}

export function createImports(ctx: ImportContext): ProviderImports {
  const restored = ctx.controlPoints.restoredState as CounterState | undefined;
  let calls = restored?.calls ?? 0;
  // With { handshake: true } every barrier waits for the host's go, so a test decides exactly
  // at which barrier a snapshot request is seen.
  const handshake = (ctx.providerData as { handshake?: boolean } | undefined)?.handshake === true;
  return {
    imports: {
      mpi: {
        MPI_Barrier: (comm: number): number => {
          const cp = ctx.controlPoints;
          cp.atHostCall();
          if (cp.rewinding()) {
            cp.endRewind();
            ctx.postToHost({ kind: "resumed", calls });
            return 0;
          }
          calls++;
          ctx.postToHost({ kind: "barrier", calls, comm });
          if (handshake) ctx.receiveFromHost();
          if (cp.snapshotRequested()) {
            cp.suspend("mpi.MPI_Barrier", { calls } satisfies CounterState);
            return 0;
          }
          return 0;
        },
      },
    },
  };
}
