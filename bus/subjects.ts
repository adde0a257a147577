// Every subject, stream and bucket name in one place. Tokens that come from users (host names,
// job ids) are checked so they cannot inject wildcards or extra subject levels.

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless `token` is safe as one subject token (letters, digits, `_`, `-`). */
export function checkToken(kind: string, token: string): string {
  if (!TOKEN.test(token)) {
    throw new RangeError(`${kind} "${token}" must be 1-64 letters, digits, "_" or "-"`);
  }
  return token;
}

export const subjects = {
  /** Requests to the planner: registration, heartbeats, submissions, status, granule ends. */
  planner: "granny.planner",
  /** Requests to one host: start and stop granules. */
  host: (host: string) => `granny.host.${checkToken("host name", host)}`,
  /** MPI traffic for ranks on one host, from ranks on other hosts. */
  mpi: (host: string) => `granny.mpi.${checkToken("host name", host)}`,
  /** Lifecycle and job events; `granule` is a granule index or `job` for job-level events. */
  jobEvent: (jobId: string, granule: number | "job") =>
    `granny.job.${checkToken("job id", jobId)}.event.${granule}`,
  /** A granule's stdout and stderr. */
  jobOutput: (jobId: string, granule: number) =>
    `granny.job.${checkToken("job id", jobId)}.output.${granule}`,
  /** Everything about one job, events and output in publish order. */
  job: (jobId: string) => `granny.job.${checkToken("job id", jobId)}.>`,
  jobEvents: (jobId: string) => `granny.job.${checkToken("job id", jobId)}.event.>`,
  allEvents: "granny.job.*.event.>",
} as const;

/** The JetStream stream that keeps events and output, so late subscribers can replay them. */
export const JOBS_STREAM = { name: "GRANNY_JOBS", subjects: ["granny.job.>"] } as const;

export const buckets = {
  /** Object Store bucket of WebAssembly modules, keyed by content hash. */
  modules: "granny-modules",
  /** Object Store bucket of snapshots that must outlive a host (freeze, eviction). */
  snapshots: "granny-snapshots",
} as const;
