// Builds the import object of a granule from WASI, the import providers and an optional
// pre-created memory, and checks it against what the module imports, so that a missing import is
// reported by name ("env.foo is imported but nothing provides it") before WebAssembly.Instance
// would fail with a terse LinkError.

import { GranuleSetupError } from "./classify.js";
import { WASI_NAMESPACE } from "./wasi/mod.js";

export interface ImportSource {
  /** "wasi" or the provider's URL, for error messages. */
  readonly label: string;
  readonly imports: WebAssembly.Imports;
}

export function linkImports(
  module: WebAssembly.Module,
  sources: readonly ImportSource[],
  memory: WebAssembly.Memory | undefined,
): WebAssembly.Imports {
  const merged: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  const origin = new Map<string, string>();
  for (const source of sources) {
    for (const [ns, fields] of Object.entries(source.imports)) {
      const target = merged[ns] ?? {};
      merged[ns] = target;
      for (const [name, value] of Object.entries(fields)) {
        const key = `${ns}.${name}`;
        const earlier = origin.get(key);
        if (earlier !== undefined) {
          throw new GranuleSetupError(
            "provider",
            `${key} is supplied by both ${earlier} and ${source.label}`,
          );
        }
        origin.set(key, source.label);
        target[name] = value;
      }
    }
  }

  const wanted = WebAssembly.Module.imports(module);
  const memoryImports = wanted.filter((i) => i.kind === "memory");
  if (memory !== undefined) {
    const slot = memoryImports[0];
    if (slot === undefined) {
      throw new GranuleSetupError("bad-launch", "a memory was given but the module does not import one");
    }
    merged[slot.module] = { ...merged[slot.module], [slot.name]: memory };
  }

  const missing = wanted.filter((i) => {
    const value = merged[i.module]?.[i.name];
    if (value === undefined) return true;
    if (i.kind === "function") return typeof value !== "function";
    if (i.kind === "memory") return !(value instanceof WebAssembly.Memory);
    return false;
  });
  if (missing.length > 0) {
    const list = missing.map((i) => `${i.module}.${i.name} (${i.kind})`).join(", ");
    const hint =
      memory === undefined && missing.some((i) => i.kind === "memory")
        ? " (the module imports its memory: launch it with a memory)"
        : "";
    const known = Object.keys(merged).filter((ns) => ns !== WASI_NAMESPACE);
    throw new GranuleSetupError(
      "missing-import",
      `the module imports ${list}, which neither WASI nor any import provider supplies${hint}; ` +
        `provider namespaces: ${known.length > 0 ? known.join(", ") : "none"}`,
    );
  }
  return merged;
}
