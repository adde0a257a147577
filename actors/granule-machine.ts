// The granule lifecycle, the heart of consistency (DESIGN.md). Management actions (migrate,
// freeze) are taken only from a control point (`atBarrier`); one that arrives while `running`
// is held in context and taken at the next control point. The context is plain data, so a
// persisted snapshot of the machine can travel with a granule snapshot.
import { assign, setup } from "xstate";

export const GRANULE_MACHINE_VERSION = 1;

export type ManagementRequest =
  | { readonly kind: "migrate"; readonly to: string }
  | { readonly kind: "freeze" };

export interface GranuleContext {
  readonly jobId: string;
  readonly granule: number;
  /** The host the granule runs on (or will, while restoring). */
  readonly host: string;
  /** A management request that waits for the next control point. */
  readonly pending: ManagementRequest | null;
  readonly exitCode: number | null;
  readonly failure: string | null;
  /** How many times this granule has been restored from a snapshot. */
  readonly restores: number;
}

export type GranuleEvent =
  /** The host starts fetching and compiling the module. */
  | { type: "LOAD" }
  /** The instance exists and is about to run its first instruction. */
  | { type: "STARTED" }
  /** The program reached a control point (a barrier, a fork). */
  | { type: "CONTROL_POINT" }
  /** The control point is over: the program runs on. */
  | { type: "RELEASE" }
  | { type: "MIGRATE"; to: string }
  | { type: "FREEZE" }
  /** The snapshot for the pending request is taken. */
  | { type: "SNAPSHOT_TAKEN" }
  /** A host begins restoring the snapshot into a fresh instance. */
  | { type: "RESTORE"; host: string }
  /** The restored instance is ready; it resumes when released. */
  | { type: "RESTORED" }
  | { type: "EXIT"; code: number }
  | { type: "FAIL"; reason: string };

export interface GranuleInput {
  readonly jobId: string;
  readonly granule: number;
  readonly host: string;
}

// Any state that is not final can fail (a trap, a lost host, a refused snapshot); final states cannot.
const failable = { FAIL: { target: "#granule.failed", actions: "recordFailure" } } as const;

export const granuleMachine = setup({
  types: {
    context: {} as GranuleContext,
    events: {} as GranuleEvent,
    input: {} as GranuleInput,
  },
  guards: {
    pendingMigrate: ({ context }) => context.pending?.kind === "migrate",
    pendingFreeze: ({ context }) => context.pending?.kind === "freeze",
    hasPending: ({ context }) => context.pending !== null,
  },
  actions: {
    holdMigrate: assign({
      pending: ({ event }) => (event.type === "MIGRATE" ? { kind: "migrate" as const, to: event.to } : null),
    }),
    holdFreeze: assign({ pending: () => ({ kind: "freeze" as const }) }),
    clearPending: assign({ pending: () => null }),
    moveToTarget: assign({
      host: ({ context, event }) => (event.type === "RESTORE" ? event.host : context.host),
      restores: ({ context }) => context.restores + 1,
    }),
    recordExit: assign({ exitCode: ({ event }) => (event.type === "EXIT" ? event.code : null) }),
    recordFailure: assign({ failure: ({ event }) => (event.type === "FAIL" ? event.reason : null) }),
  },
}).createMachine({
  id: "granule",
  context: ({ input }) => ({
    jobId: input.jobId,
    granule: input.granule,
    host: input.host,
    pending: null,
    exitCode: null,
    failure: null,
    restores: 0,
  }),
  initial: "created",
  states: {
    // Requests that arrive before the program runs are held like those that arrive while it runs.
    created: {
      on: {
        LOAD: "loading",
        MIGRATE: { actions: "holdMigrate" },
        FREEZE: { actions: "holdFreeze" },
        ...failable,
      },
    },
    loading: {
      on: {
        STARTED: "running",
        MIGRATE: { actions: "holdMigrate" },
        FREEZE: { actions: "holdFreeze" },
        ...failable,
      },
    },
    running: {
      on: {
        ...failable,
        CONTROL_POINT: [{ guard: "hasPending", target: "snapshotting" }, { target: "atBarrier" }],
        // Held until the next control point: never act on a granule mid-computation.
        MIGRATE: { actions: "holdMigrate" },
        FREEZE: { actions: "holdFreeze" },
        EXIT: { target: "finished", actions: "recordExit" },
      },
    },
    atBarrier: {
      on: {
        ...failable,
        RELEASE: "running",
        MIGRATE: { target: "snapshotting", actions: "holdMigrate" },
        FREEZE: { target: "snapshotting", actions: "holdFreeze" },
      },
    },
    snapshotting: {
      on: {
        ...failable,
        SNAPSHOT_TAKEN: [
          { guard: "pendingMigrate", target: "migrating" },
          { guard: "pendingFreeze", target: "frozen" },
        ],
      },
    },
    migrating: {
      on: { RESTORE: { target: "restoring", actions: ["moveToTarget", "clearPending"] }, ...failable },
    },
    frozen: {
      on: { RESTORE: { target: "restoring", actions: ["moveToTarget", "clearPending"] }, ...failable },
    },
    // A restored granule waits at the control point it was captured in until the barrier is released.
    restoring: { on: { RESTORED: "atBarrier", ...failable } },
    finished: { type: "final" },
    failed: { type: "final" },
  },
});

export type GranuleMachine = typeof granuleMachine;
