// One line per event for people; `--json` prints the message itself for programs.
import type { MessageOf } from "../../bus/mod.js";

export function formatEvent(e: MessageOf<"job_event"> | MessageOf<"lifecycle">): string {
  const at = new Date(e.at).toISOString().slice(11, 23);
  if (e.type === "granny.v1.lifecycle") {
    return `${at} ${e.jobId} granule ${e.granule} on ${e.host}: ${e.from} -> ${e.to} (${e.event})${e.detail ? ` ${e.detail}` : ""}`;
  }
  const extra = [
    e.placement ? `placement ${e.placement.join(",")}` : "",
    e.exitCode !== undefined ? `exit code ${e.exitCode}` : "",
    e.detail ?? "",
  ].filter(Boolean);
  return `${at} ${e.jobId} ${e.event}${extra.length ? `: ${extra.join("; ")}` : ""}`;
}
