// Policies by name, as a cluster is configured ("--policy compact").

import { batch } from "./batch.js";
import { binPack } from "./bin-pack.js";
import { compact } from "./compact.js";
import { elastic } from "./elastic.js";
import { spot } from "./spot.js";
import { POLICY_NAMES, type Policy, type PolicyName } from "./types.js";

const POLICIES: Readonly<Record<PolicyName, Policy>> = {
  "bin-pack": binPack,
  batch,
  compact,
  elastic,
  spot,
};

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

export class UnknownPolicyError extends Error {
  override readonly name = "UnknownPolicyError";
  constructor(requested: string) {
    super(`unknown policy "${requested}"; valid policies are: ${POLICY_NAMES.join(", ")}`);
  }
}

/** The policy called `name`; throws UnknownPolicyError naming the valid ones otherwise. */
export function policyByName(name: string): Policy {
  if (!isPolicyName(name)) throw new UnknownPolicyError(name);
  return POLICIES[name];
}
