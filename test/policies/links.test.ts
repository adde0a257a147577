import { describe, expect, it } from "vitest";
import { crossVmLinks, fewestLinks, linksFromCounts } from "../../policies/mod.js";
import { on } from "./cluster-builder.js";

describe("cross-VM links", () => {
  it("are zero for a job on one host", () => {
    expect(crossVmLinks(on("a", 8))).toBe(0);
  });

  it("count every rank pair split across hosts: 4+4 gives 16", () => {
    expect(crossVmLinks([...on("a", 4), ...on("b", 4)])).toBe(16);
  });

  it("follow Σ n_h·(N − n_h)/2 for uneven splits", () => {
    // N = 10 as 5+3+2: (5·5 + 3·7 + 2·8) / 2 = 31.
    expect(crossVmLinks([...on("a", 5), ...on("b", 3), ...on("c", 2)])).toBe(31);
    expect(linksFromCounts([5, 3, 2])).toBe(31);
  });

  it("are all pairs when every rank is on its own host", () => {
    expect(crossVmLinks(["a", "b", "c", "d"])).toBe(6);
  });

  it("have a floor for jobs larger than a host: 10 ranks on 8-vCPU hosts need 16", () => {
    expect(fewestLinks(10, 8)).toBe(16);
    expect(fewestLinks(8, 8)).toBe(0);
  });
});
