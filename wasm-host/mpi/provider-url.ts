// Where the worker finds the MPI provider: its compiled JavaScript (see worker-url.ts).

import { compiledModuleUrl } from "../worker-url.js";

/** File URL to put in launch.providers for an MPI rank. */
export function mpiProviderUrl(): URL {
  return compiledModuleUrl(import.meta.url, "./provider.js");
}
