import { getAdjacencyMap, getSimplePaths } from "@xstate/graph";
import { describe, expect, it } from "vitest";
import { GranuleLifecycle, type Transition, TransitionRefusedError } from "../../actors/granule.js";
import { type GranuleEvent, granuleMachine } from "../../actors/granule-machine.js";
import { GRANULE_STATES } from "../../bus/mod.js";

const input = { jobId: "j1", granule: 0, host: "h1" };
const events: GranuleEvent[] = [
  { type: "LOAD" },
  { type: "STARTED" },
  { type: "CONTROL_POINT" },
  { type: "RELEASE" },
  { type: "MIGRATE", to: "h2" },
  { type: "FREEZE" },
  { type: "SNAPSHOT_TAKEN" },
  { type: "RESTORE", host: "h2" },
  { type: "RESTORED" },
  { type: "EXIT", code: 3 },
  { type: "FAIL", reason: "trap" },
];
// The restore counter grows without bound; two snapshots that differ only in it are one state.
const serializeState = (s: { value: unknown; context: { pending: unknown; host: string } }) =>
  JSON.stringify([s.value, s.context.pending, s.context.host]);
const traversal = { events, input, limit: 2000, serializeState } as const;

// Every (state, event) edge the machine allows, keyed by serialised snapshot and event.
const adjacency = getAdjacencyMap(granuleMachine, traversal);
type Step = { state: { value: unknown }; event: GranuleEvent };
const edges = Object.values(adjacency).flatMap((node) =>
  Object.values(node.transitions as Record<string, Step>).map((t) => ({
    from: node.state,
    to: t.state,
    event: t.event,
  })),
);

describe("the granule lifecycle machine", () => {
  it("reaches every state of DESIGN.md", () => {
    const reached = new Set(Object.values(adjacency).map((n) => String(n.state.value)));
    expect([...reached].sort()).toEqual([...GRANULE_STATES].sort());
  });

  it("follows every generated path, edge by edge, exactly as the machine says", () => {
    const paths = getSimplePaths(granuleMachine, traversal);
    expect(paths.length).toBeGreaterThan(20);
    const covered = new Set<string>();
    for (const path of paths) {
      const seen: Transition[] = [];
      const lifecycle = new GranuleLifecycle(input, { onTransition: (t) => seen.push(t) });
      for (const step of path.steps.slice(1)) {
        const before = lifecycle.state;
        expect(lifecycle.apply(step.event)).toBe(true);
        expect(lifecycle.state).toBe(step.state.value);
        covered.add(`${before}|${JSON.stringify(step.event)}|${lifecycle.state}`);
      }
      expect(lifecycle.state).toBe(path.state.value);
      // Each reported transition chains from where the last one ended.
      for (let i = 1; i < seen.length; i++) expect(seen[i]?.from).toBe(seen[i - 1]?.to);
    }
    const stateChanging = edges.filter((e) => e.from.value !== e.to.value);
    for (const e of stateChanging) {
      expect(covered).toContain(`${String(e.from.value)}|${JSON.stringify(e.event)}|${String(e.to.value)}`);
    }
  });

  it("refuses every event a state does not allow, reports it and changes nothing", () => {
    // The shortest generated path to each state, to rebuild that state in a live actor.
    const pathTo = new Map<string, ReturnType<typeof getSimplePaths<typeof granuleMachine>>[number]>();
    for (const p of getSimplePaths(granuleMachine, traversal)) {
      const key = serializeState(p.state);
      const known = pathTo.get(key);
      if (!known || known.steps.length > p.steps.length) pathTo.set(key, p);
    }
    let refusals = 0;
    for (const node of Object.values(adjacency)) {
      for (const event of events) {
        if (node.state.status === "active" && node.state.can(event)) continue;
        // Rebuild the state by replaying the shortest way to it, then try the refused event.
        const path = pathTo.get(serializeState(node.state));
        if (!path) throw new Error(`no path to ${serializeState(node.state)}`);
        const reports: TransitionRefusedError[] = [];
        const lifecycle = new GranuleLifecycle(input, { onRefused: (e) => reports.push(e) });
        for (const step of path.steps.slice(1)) lifecycle.apply(step.event);
        const before = { state: lifecycle.state, context: lifecycle.context };
        expect(lifecycle.apply(event)).toBe(false);
        expect(reports[0]).toBeInstanceOf(TransitionRefusedError);
        expect(reports[0]?.message).toContain(before.state);
        expect({ state: lifecycle.state, context: lifecycle.context }).toEqual(before);
        refusals++;
      }
    }
    expect(refusals).toBeGreaterThan(30);
  });

  it("holds a migration requested while running until the next control point", () => {
    const lifecycle = new GranuleLifecycle(input);
    for (const e of [{ type: "LOAD" }, { type: "STARTED" }, { type: "MIGRATE", to: "h9" }] as const)
      lifecycle.apply(e);
    expect(lifecycle.state).toBe("running");
    expect(lifecycle.context.pending).toEqual({ kind: "migrate", to: "h9" });
    lifecycle.apply({ type: "CONTROL_POINT" });
    expect(lifecycle.state).toBe("snapshotting");
    lifecycle.apply({ type: "SNAPSHOT_TAKEN" });
    expect(lifecycle.state).toBe("migrating");
    lifecycle.apply({ type: "RESTORE", host: "h9" });
    expect(lifecycle.context).toMatchObject({ host: "h9", pending: null, restores: 1 });
  });
});
