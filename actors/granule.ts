// A granule's lifecycle actor: the XState machine plus the rule that a transition the machine
// does not allow is refused and reported, never half-applied. Every accepted transition is
// handed to `onTransition`, which the host turns into a lifecycle event on the bus.
import { type Actor, createActor, type Snapshot } from "xstate";
import type { GranuleState } from "../bus/mod.js";
import {
  type GranuleContext,
  type GranuleEvent,
  type GranuleInput,
  granuleMachine,
} from "./granule-machine.js";

export interface Transition {
  readonly from: GranuleState;
  readonly to: GranuleState;
  readonly event: GranuleEvent;
  readonly context: GranuleContext;
}

export class TransitionRefusedError extends Error {
  override name = "TransitionRefusedError";
  constructor(
    readonly state: GranuleState,
    readonly event: GranuleEvent["type"],
  ) {
    super(`granule in state "${state}" cannot take "${event}"`);
  }
}

export interface GranuleLifecycleOptions {
  readonly onTransition?: (t: Transition) => void;
  readonly onRefused?: (err: TransitionRefusedError) => void;
  /** Continue a machine persisted elsewhere (a granule restored on another host). */
  readonly persisted?: unknown;
}

export class GranuleLifecycle {
  private readonly actor: Actor<typeof granuleMachine>;

  constructor(
    input: GranuleInput,
    private readonly opts: GranuleLifecycleOptions = {},
  ) {
    this.actor = createActor(granuleMachine, {
      input,
      ...(opts.persisted !== undefined ? { snapshot: opts.persisted as Snapshot<unknown> } : {}),
    });
    this.actor.start();
  }

  get state(): GranuleState {
    return this.actor.getSnapshot().value as GranuleState;
  }

  get context(): GranuleContext {
    return this.actor.getSnapshot().context;
  }

  get done(): boolean {
    return this.actor.getSnapshot().status === "done";
  }

  /** Whether the machine would take this event now. */
  can(event: GranuleEvent): boolean {
    return this.actor.getSnapshot().can(event);
  }

  /** Applies an event; returns false (and reports) when the current state does not allow it. */
  apply(event: GranuleEvent): boolean {
    const before = this.actor.getSnapshot();
    if (before.status !== "active" || !before.can(event)) {
      this.opts.onRefused?.(new TransitionRefusedError(before.value as GranuleState, event.type));
      return false;
    }
    this.actor.send(event);
    const after = this.actor.getSnapshot();
    if (after.value !== before.value) {
      this.opts.onTransition?.({
        from: before.value as GranuleState,
        to: after.value as GranuleState,
        event,
        context: after.context,
      });
    }
    return true;
  }

  /** Serialisable state of the machine, stored beside GRANULE_MACHINE_VERSION in snapshots. */
  persisted(): unknown {
    return this.actor.getPersistedSnapshot();
  }

  stop(): void {
    this.actor.stop();
  }
}
