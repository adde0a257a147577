// The toolchain's own C files (the MPI and OpenMP runtimes, granny_libm.c), compiled once per
// content, compiler and flags into a cache shared by all builds of this machine.

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { runProcess } from "./clang.js";

/** Path of the object built from `source` with `cc flags -c`; builds it unless cached. */
export async function cachedObject(
  cc: string,
  flags: readonly string[],
  source: string,
  onError: (stderr: string) => Error,
  extraKey = "",
): Promise<string> {
  const text = await readFile(source);
  const hash = createHash("sha256")
    .update(cc)
    .update(flags.join(" "))
    .update(text)
    .update(extraKey)
    .digest("hex");
  const dir = join(tmpdir(), "granny-cc");
  const object = join(dir, `${basename(source, ".c")}-${hash.slice(0, 16)}.o`);
  if (await exists(object)) return object;
  await mkdir(dir, { recursive: true });
  const partial = `${object}.${process.pid}.tmp`;
  const result = await runProcess(cc, [...flags, "-c", source, "-o", partial]);
  if (result.code !== 0) throw onError(result.stderr);
  await rename(partial, object);
  return object;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
