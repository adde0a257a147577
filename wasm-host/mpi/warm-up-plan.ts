// The MPI warm-up, host side: shared memory for a two-rank job of pooled workers (warm-up.ts has
// the exercise and why it exists). The job's router only supplies the layout: the exercise is
// local to the host and posts nothing it needs answered.

import type { WarmUpPlan } from "../worker-pool.js";
import { mpiProviderUrl } from "./provider-url.js";
import { MpiRouter } from "./router.js";
import type { MpiWarmUpSession } from "./warm-up.js";

/**
 * Rounds and time of each pass of the exercise. 600 rounds (some 9000 host calls per rank) took
 * 0.3-0.4 s per pass here, and the first barriers of a job then cost 10-20 us instead of 60-70
 * (2500 rounds gained little more for three times as long); the budget bounds a pass on a slow or
 * busy machine.
 */
const ROUNDS = 600;
const BUDGET_MS = 1000;
/** Fresh ranks the exercise runs as, one after the other (warm-up.ts says why more than one). */
const PASSES = 2;

export function mpiWarmUpPlan(options: { rounds?: number; budgetMs?: number } = {}): WarmUpPlan {
  return {
    provider: mpiProviderUrl().href,
    team: 2,
    start() {
      const placement = ["warm-up", "warm-up"];
      const routers = Array.from(
        { length: PASSES },
        (_, i) =>
          new MpiRouter({ jobId: `warm-up-${i}`, hostName: "warm-up", placement, remoteSend: () => {} }),
      );
      const sessions: MpiWarmUpSession[] = placement.map((_, rank) => ({
        kind: "granny.mpi.warm-up.v1",
        passes: routers.map((router) => router.rankData(rank)),
        rounds: options.rounds ?? ROUNDS,
        budgetMs: options.budgetMs ?? BUDGET_MS,
      }));
      return {
        sessions,
        // Wakes both ranks wherever they wait; each ends its exercise with the abort as reason.
        stop: () => {
          for (const router of routers)
            router.fail({ code: 0, message: "a launch took a worker of the warm-up" });
        },
        end: () => {
          for (const router of routers) router.close();
        },
      };
    },
  };
}
