// bin-pack: what Slurm does. Per-vCPU fill, fullest hosts first, never migrates: high
// utilisation, high fragmentation. The baseline "slurm" / "no migration" of the paper.

import { FreeSlots } from "./free-slots.js";
import { binPackPlacement } from "./placement.js";
import type { Policy } from "./types.js";

export const binPack: Policy = {
  name: "bin-pack",
  description: "per-vCPU fill, fullest hosts first, no migration (like Slurm)",
  place: (view, request) => FreeSlots.decide(view, [], (index) => binPackPlacement(index, request)),
  atBarrier: () => [],
  onVcpusFreed: () => [],
  onEvictionNotice: () => [],
};
