// The spans of one granule on a host, driven by its lifecycle transitions: `granule.run` from
// start to end with every transition as an event, and a `granule.barrier` child for each wait
// at a control point. The host feeds it the transitions it already publishes, so what Jaeger
// shows is exactly the lifecycle the machine went through.
import type { Context } from "@opentelemetry/api";
import type { GranuleState } from "../bus/mod.js";
import { ATTR, SPAN } from "./names.js";
import { startSpan } from "./tracing.js";
import type { SpanHandle } from "./types.js";

export interface GranuleIdentity {
  readonly jobId: string;
  readonly granule: number;
  readonly host: string;
}

/** How a granule ended, as the host knows it. */
export type GranuleEnding =
  | { readonly exitCode: number }
  | { readonly outcome: "trapped" | "failed" | "lost" | "migrated"; readonly reason?: string };

export class GranuleTrace {
  private readonly run: SpanHandle;
  private barrier: SpanHandle | undefined;

  /** Opens `granule.run`, a child of `parent` (default the active context: the start request's). */
  constructor(
    private readonly id: GranuleIdentity,
    parent?: Context | SpanHandle,
  ) {
    this.run = startSpan(SPAN.granuleRun, {
      ...(parent ? { parent } : {}),
      attributes: { [ATTR.jobId]: id.jobId, [ATTR.granule]: id.granule, [ATTR.host]: id.host },
    });
  }

  /** The run span's context: parent of the granule's later spans (snapshot) and of its end report. */
  get context(): Context {
    return this.run.context;
  }

  get span(): SpanHandle {
    return this.run;
  }

  /** Records a lifecycle transition; entering and leaving `atBarrier` opens and closes a barrier span. */
  transition(from: GranuleState, to: GranuleState, event: string): void {
    this.run.event("lifecycle", { from, to, event });
    if (to === "atBarrier" && from !== "atBarrier") {
      this.barrier?.end();
      this.barrier = startSpan(SPAN.granuleBarrier, {
        parent: this.run,
        attributes: { [ATTR.jobId]: this.id.jobId, [ATTR.granule]: this.id.granule },
      });
    } else if (from === "atBarrier" && to !== "atBarrier") {
      this.barrier?.end({ [ATTR.state]: to });
      this.barrier = undefined;
    }
  }

  /** Ends the run (and an open barrier): an exit code, or a failure that marks the span failed. */
  end(ending: GranuleEnding): void {
    this.barrier?.end();
    this.barrier = undefined;
    if ("exitCode" in ending) {
      this.run.end({ [ATTR.outcome]: "exited", [ATTR.exitCode]: ending.exitCode });
      return;
    }
    if (ending.outcome !== "migrated") this.run.fail(new Error(ending.reason ?? ending.outcome));
    this.run.end({
      [ATTR.outcome]: ending.outcome,
      ...(ending.reason !== undefined ? { [ATTR.reason]: ending.reason } : {}),
    });
  }
}
