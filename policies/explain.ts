// One line per decision for logs, `granny events` and operators: what was decided and why,
// with the cross-VM links before and after for migrations.

import type { Decision } from "./types.js";

export function explainDecision(decision: Decision): string {
  switch (decision.type) {
    case "migrate": {
      const { kind, crossVmLinksBefore, crossVmLinksAfter, detail } = decision.reason;
      return `${decision.jobId}: migrate ${decision.moves.length} granule(s) (${kind}; cross-VM links ${crossVmLinksBefore} -> ${crossVmLinksAfter}): ${detail}`;
    }
    case "scaleUp":
      return `${decision.jobId}: scale up on ${decision.host} from ${decision.fromThreads} to ${decision.toThreads} threads at the next fork: ${decision.reason}`;
    case "freeze":
      return `${decision.jobId}: freeze: ${decision.reason}`;
  }
}
