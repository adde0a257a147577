// Test helper for the wasm-host room: compiles a C program from ./programs with the shared
// compile-c helper and runs it as a granule, collecting its output.

import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type GranuleHandle,
  type GranuleLaunch,
  type GranuleOutcome,
  ModuleCache,
  runGranule,
} from "../../wasm-host/mod.js";
import { type CompileOptions, wasmBytesOf } from "../support/compile-c.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = new ModuleCache();

export function programSource(name: string): string {
  return path.join(here, "programs", `${name}.c`);
}

export async function compileProgram(
  name: string,
  options: CompileOptions = {},
): Promise<WebAssembly.Module> {
  return (await cache.compile(await wasmBytesOf(programSource(name), options))).module;
}

export interface ProgramRun {
  readonly outcome: GranuleOutcome;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutChunks: number;
  readonly providerMessages: readonly unknown[];
  readonly handle: GranuleHandle;
}

export interface RunOptions extends Partial<Omit<GranuleLaunch, "module">> {
  readonly compile?: CompileOptions;
  /** Called with each provider message and the handle, e.g. to answer it. */
  readonly onProviderMessage?: (message: unknown, handle: GranuleHandle) => void;
  /** Called once the handle exists (to kill it, say). */
  readonly onHandle?: (handle: GranuleHandle) => void;
}

export async function runProgram(name: string, options: RunOptions = {}): Promise<ProgramRun> {
  const { compile, onProviderMessage, onHandle, ...launch } = options;
  const module = await compileProgram(name, compile);
  const decoder = { out: new TextDecoder(), err: new TextDecoder() };
  let stdout = "";
  let stderr = "";
  let stdoutChunks = 0;
  const providerMessages: unknown[] = [];
  let handleRef: GranuleHandle | undefined;
  const handle = runGranule(
    { args: [name], name, ...launch, module },
    {
      onStdout: (bytes) => {
        stdoutChunks++;
        stdout += decoder.out.decode(bytes, { stream: true });
      },
      onStderr: (bytes) => {
        stderr += decoder.err.decode(bytes, { stream: true });
      },
      onProviderMessage: (message) => {
        providerMessages.push(message);
        if (handleRef !== undefined) onProviderMessage?.(message, handleRef);
      },
    },
  );
  handleRef = handle;
  onHandle?.(handle);
  const outcome = await handle.done;
  return { outcome, stdout, stderr, stdoutChunks, providerMessages, handle };
}
