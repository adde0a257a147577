// Where the granule worker finds the OpenMP provider: its compiled JavaScript (see worker-url.ts).

import { compiledModuleUrl } from "../worker-url.js";

export function ompProviderUrl(): URL {
  return compiledModuleUrl(import.meta.url, "./provider.js");
}
