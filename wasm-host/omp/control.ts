// The handle a planner keeps for a running OpenMP job: raising (or lowering) its thread count.
// It exists before the job starts so that the caller can create it, pass it to runOpenMpJob and
// use it from elsewhere; requests made before the job is attached wait for it.

interface Scalable {
  scaleTo(threads: number): Promise<void>;
}

export class OpenMpJobControl {
  private target: Scalable | null = null;
  private readonly waiting: Array<(t: Scalable) => void> = [];

  /**
   * Gives the job `threads` vCPUs from its next parallel region on (regions whose thread count
   * the program fixed keep it). Resolves once the extra threads are started and waiting.
   */
  async scaleTo(threads: number): Promise<void> {
    const target = this.target ?? (await new Promise<Scalable>((resolve) => this.waiting.push(resolve)));
    await target.scaleTo(threads);
  }

  /** @internal called by startOpenMpJob */
  attach(target: Scalable): void {
    if (this.target !== null) throw new Error("this OpenMpJobControl already controls a job");
    this.target = target;
    for (const resolve of this.waiting.splice(0)) resolve(target);
  }
}

export function attachControl(control: OpenMpJobControl, target: Scalable): void {
  control.attach(target);
}
