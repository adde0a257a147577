// The team a thread is in right now, as that thread sees it. Each worker thread is exactly one
// OpenMP thread, so this is plain module state in the worker: a stack of frames, one per nested
// parallel region (inner regions run with a team of one).

export interface TeamFrame {
  /** Thread number in this team. */
  readonly tid: number;
  readonly size: number;
  /** Nesting level (0: outside any region). */
  readonly level: number;
  /** Enclosing regions that had more than one thread. */
  readonly activeLevel: number;
  /** True only for the job's multi-thread team, whose shared state is in the control block. */
  readonly shared: boolean;
  readonly parent: TeamFrame | null;
  /** Single constructs and dispatched loops this thread has met in this region. */
  singles: number;
  loops: number;
}

export function outermostFrame(): TeamFrame {
  return { tid: 0, size: 1, level: 0, activeLevel: 0, shared: false, parent: null, singles: 0, loops: 0 };
}

export function childFrame(parent: TeamFrame, tid: number, size: number): TeamFrame {
  return {
    tid,
    size,
    level: parent.level + 1,
    activeLevel: parent.activeLevel + (size > 1 ? 1 : 0),
    shared: size > 1,
    parent,
    singles: 0,
    loops: 0,
  };
}
