// batch: what Azure Batch does. Each job gets whole empty VMs; the VMs' leftover vCPUs stay
// idle until the job ends. No fragmentation beyond what a job larger than a VM needs.

import { FreeSlots } from "./free-slots.js";
import { wholeVmPlacement } from "./placement.js";
import type { Policy } from "./types.js";

export const batch: Policy = {
  name: "batch",
  description: "whole empty VMs per job, no sharing, no migration (like Azure Batch)",
  place: (view, request) => FreeSlots.decide(view, [], (index) => wholeVmPlacement(index, request)),
  atBarrier: () => [],
  onVcpusFreed: () => [],
  onEvictionNotice: () => [],
};
