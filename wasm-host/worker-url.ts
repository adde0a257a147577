// Finds the compiled JavaScript of a module that must run as plain Node code (a worker thread's
// entry, an import provider). The project compiles with tsc into dist/, mirroring the source tree,
// while vitest runs the TypeScript sources: from dist/ the file sits next to the caller; from a
// .ts source it is the same relative path under <package root>/dist/.

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const OUT_DIR = "dist";

/**
 * @param importMetaUrl the caller's import.meta.url
 * @param relativeJsPath the target relative to the caller, with its .js name ("./granule-worker.js")
 */
export function compiledModuleUrl(importMetaUrl: string, relativeJsPath: string): URL {
  const callerPath = fileURLToPath(importMetaUrl);
  if (!/\.[mc]?ts$/.test(callerPath)) return new URL(relativeJsPath, importMetaUrl);
  const root = packageRoot(path.dirname(callerPath));
  const mirrorDir = path.join(root, OUT_DIR, path.relative(root, path.dirname(callerPath)));
  const target = path.resolve(mirrorDir, relativeJsPath);
  if (!existsSync(target)) {
    throw new Error(
      `compiled module ${target} does not exist: ${path.basename(callerPath)} runs from source, so its ` +
        `JavaScript must be built first (npm run build)`,
    );
  }
  return pathToFileURL(target);
}

function packageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
