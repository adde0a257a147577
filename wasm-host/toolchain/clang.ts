// Finding and running clang-19 for wasm32-wasi.
import { spawn } from "node:child_process";

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, collecting its output; never throws for a non-zero exit. */
export function runProcess(command: string, args: readonly string[]): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (err) => reject(new Error(`cannot run ${command}: ${err.message}`, { cause: err })));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The C and C++ drivers; overridable for machines where clang-19 has another name. */
export function clangDrivers(): { readonly cc: string; readonly cxx: string } {
  return {
    cc: process.env.GRANNY_CLANG ?? "clang-19",
    cxx: process.env.GRANNY_CLANGXX ?? "clang++-19",
  };
}

const CXX_EXTENSIONS = [".cc", ".cpp", ".cxx", ".c++", ".C"];

export function isCxxSource(path: string): boolean {
  return CXX_EXTENSIONS.some((ext) => path.endsWith(ext));
}
