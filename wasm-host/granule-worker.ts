// Worker-thread entry of one granule: builds WASI and the import providers, instantiates the
// module, calls its entry export and reports to the parent (granule-runner.ts) as it goes.
// Whatever happens here ends in exactly one "done" message carrying an outcome; the parent also
// copes with this thread dying without one.

import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  type TransferListItem,
  workerData,
} from "node:worker_threads";
import { GranuleSetupError, outcomeFromError } from "./classify.js";
import type { ImportContext, ImportProvider, LaunchInfo, ProviderImports, WarmUpReport } from "./imports.js";
import { type ImportSource, linkImports } from "./link.js";
import type { GranuleOutcome } from "./outcome.js";
import { applySnapshot, captureSnapshot } from "./snapshot/capture.js";
import { ControlPoints } from "./snapshot/control-points.js";
import { memoryDigest } from "./snapshot/memory-image.js";
import { isStageRequest, type Staged, stage } from "./staging.js";
import {
  createWasiState,
  parseWasiState,
  WASI_NAMESPACE,
  WasiExit,
  type WasiIo,
  WasiPreview1,
  type WasiState,
} from "./wasi/mod.js";
import type { PooledWorkerData } from "./worker-pool.js";
import {
  type GranuleWorkerData,
  isWarmUpRequest,
  type WarmUpDone,
  type WorkerToParent,
} from "./worker-protocol.js";

const port = parentPort;
if (port === null) throw new Error("granule-worker.js must run as a worker thread");
// A pooled worker (worker-pool.ts) was started before its launch existed: it comes as a message.
// Meanwhile it loads the providers it was told to expect (a failure to load one is left for the
// launch that uses it to report: loadProvider imports it again), and it may be asked to stage a
// restore first (staging.ts).
const initial = workerData as GranuleWorkerData | PooledWorkerData;
let staged: Staged | undefined;
let launched = false;

/** Runs a provider's warm-up (worker-pool.ts) unless the launch came first; always answers. */
async function warmUp(provider: string, session: unknown): Promise<void> {
  let report: WarmUpReport;
  try {
    const mod = (await import(provider)) as Partial<ImportProvider>;
    if (typeof mod.warmUp !== "function") throw new Error(`${provider} exports no warmUp`);
    report = launched
      ? { rounds: 0, ms: 0, stoppedBy: "launched before the warm-up began" }
      : mod.warmUp(session);
  } catch (e) {
    report = { rounds: 0, ms: 0, stoppedBy: e instanceof Error ? e.message : String(e) };
  }
  const done: WarmUpDone = { warmedUp: report };
  port?.postMessage(done);
}
const data: GranuleWorkerData =
  "pooled" in initial
    ? await new Promise<GranuleWorkerData>((resolve) => {
        const onMessage = (m: unknown) => {
          if (isWarmUpRequest(m)) {
            void warmUp(m.warmUp.provider, m.warmUp.session);
            return;
          }
          if (!isStageRequest(m)) {
            launched = true;
            port.off("message", onMessage);
            resolve(m as GranuleWorkerData);
            return;
          }
          try {
            staged = stage(m.stage);
            port.postMessage({ staged: true });
          } catch (e) {
            staged = undefined;
            port.postMessage({ staged: false, message: e instanceof Error ? e.message : String(e) });
          }
        };
        port.on("message", onMessage);
        for (const url of initial.preload) import(url).catch(() => {});
      })
    : initial;
const launch = data.launch;
const label = launch.name ?? "granule";

function post(message: WorkerToParent, transfer?: readonly TransferListItem[]): void {
  port?.postMessage(message, transfer);
}

/** Copies bytes out of (possibly shared, possibly growing) memory into a transferable buffer. */
function ownCopy(bytes: Uint8Array): Uint8Array {
  return bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
}

const io: WasiIo = {
  writeStdout(bytes) {
    const own = ownCopy(bytes);
    post({ type: "stdout", bytes: own }, [own.buffer as ArrayBuffer]);
  },
  writeStderr(bytes) {
    const own = ownCopy(bytes);
    post({ type: "stderr", bytes: own }, [own.buffer as ArrayBuffer]);
  },
};

function receiveFromHost(mailbox: MessagePort, signal: Int32Array, timeoutMs?: number) {
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeoutMs;
  for (;;) {
    // Read the counter before looking, so a post landing in between makes the wait return at once.
    const seen = Atomics.load(signal, 0);
    const mail = receiveMessageOnPort(mailbox);
    if (mail !== undefined) return { message: mail.message as unknown };
    const left = deadline - performance.now();
    if (left <= 0) return undefined;
    Atomics.wait(signal, 0, seen, Number.isFinite(left) ? left : undefined);
  }
}

async function compileModule(): Promise<WebAssembly.Module> {
  if (launch.module instanceof WebAssembly.Module) return launch.module;
  try {
    return await WebAssembly.compile(launch.module);
  } catch (e) {
    throw new GranuleSetupError(
      "invalid-module",
      `${label}: the ${launch.module.byteLength} bytes given are not valid WebAssembly: ${
        e instanceof Error ? e.message : String(e)
      }`,
      { cause: e },
    );
  }
}

function initialWasiState(): WasiState {
  try {
    if (launch.restore !== undefined) return parseWasiState(launch.restore.wasi);
    return launch.wasiState !== undefined
      ? parseWasiState(launch.wasiState)
      : createWasiState(launch.args, launch.env ?? {});
  } catch (e) {
    throw new GranuleSetupError("bad-launch", e instanceof Error ? e.message : String(e), { cause: e });
  }
}

async function loadProvider(url: string, ctx: ImportContext): Promise<ProviderImports> {
  let mod: Partial<ImportProvider>;
  try {
    mod = (await import(url)) as Partial<ImportProvider>;
  } catch (e) {
    throw new GranuleSetupError(
      "provider",
      `could not load import provider ${url}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  if (typeof mod.createImports !== "function") {
    throw new GranuleSetupError(
      "provider",
      `import provider ${url} does not export a createImports function`,
    );
  }
  try {
    const made = await mod.createImports(ctx);
    if (typeof made !== "object" || made === null || typeof made.imports !== "object") {
      throw new Error("createImports must return { imports: { namespace: { name: fn } } }");
    }
    return made;
  } catch (e) {
    if (e instanceof GranuleSetupError) throw e;
    throw new GranuleSetupError(
      "provider",
      `import provider ${url} failed in createImports: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

/** A provider's afterInstantiate: its own errors are the provider's; traps and exits keep their kind. */
function runHook(hook: () => void): void {
  try {
    hook();
  } catch (e) {
    if (e instanceof WasiExit || e instanceof WebAssembly.RuntimeError) throw e;
    throw new GranuleSetupError(
      "provider",
      `an import provider's afterInstantiate threw: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

async function run(): Promise<{ outcome: GranuleOutcome; wasi: WasiPreview1 | undefined }> {
  let wasi: WasiPreview1 | undefined;
  let instance: WebAssembly.Instance | undefined;
  let memory: WebAssembly.Memory | undefined = launch.memory;
  let entry: (...args: (number | bigint)[]) => unknown;
  const restore = launch.restore;
  // The instance staged for this restore, if the snapshot is a delta over what was staged.
  const fromStage =
    staged !== undefined &&
    restore !== undefined &&
    restore.memory.base === staged.id &&
    staged.moduleHash === launch.moduleHash
      ? staged
      : undefined;
  const entryName = restore?.stack.entry ?? launch.entry ?? "_start";
  const entryArgs = restore?.stack.entryArgs ?? launch.entryArgs ?? [];
  const controlPoints = new ControlPoints(
    new Int32Array(data.snapshotSignal),
    () => {
      if (instance === undefined) throw new Error(`${label}: instance() called before instantiation`);
      return instance;
    },
    () => {
      if (memory === undefined) throw new Error(`${label}: memory() called before instantiation`);
      return memory;
    },
    restore?.provider,
    (result, transfer) =>
      post(
        result instanceof Error
          ? { type: "precopy", precopy: undefined, error: result.message }
          : { type: "precopy", precopy: result, error: undefined },
        transfer,
      ),
  );
  try {
    const module = await compileModule();
    const state = initialWasiState();
    const liveWasi = new WasiPreview1(state, io);
    wasi = liveWasi;
    const signal = new Int32Array(data.mailboxSignal);
    const info: LaunchInfo = {
      name: label,
      args: state.args,
      entry: entryName,
      providerData: launch.providerData,
    };
    const getMemory = (): WebAssembly.Memory => {
      if (memory === undefined) throw new Error(`${label}: memory() called before instantiation`);
      return memory;
    };
    const ctx: ImportContext = {
      launch: info,
      providerData: launch.providerData,
      module,
      memory: getMemory,
      instance: () => {
        if (instance === undefined) throw new Error(`${label}: instance() called before instantiation`);
        return instance;
      },
      postToHost: (message, transfer) => post({ type: "provider", message }, transfer),
      receiveFromHost: (timeoutMs) => receiveFromHost(data.mailbox, signal, timeoutMs),
      writeStdout: (bytes) => io.writeStdout(bytes),
      writeStderr: (bytes) => io.writeStderr(bytes),
      exit: (code) => {
        throw new WasiExit(code >>> 0);
      },
      wasiState: () => liveWasi.getState(),
      controlPoints,
    };

    const sources: ImportSource[] = [
      { label: "WASI", imports: { [WASI_NAMESPACE]: liveWasi.imports(module) } },
    ];
    const hooks: (() => void)[] = [];
    for (const url of launch.providers ?? []) {
      const made = await loadProvider(url, ctx);
      sources.push({ label: url, imports: made.imports });
      if (made.afterInstantiate !== undefined) hooks.push(made.afterInstantiate);
    }
    const imports = linkImports(module, sources, launch.memory);

    if (fromStage !== undefined) {
      fromStage.link(imports);
      instance = fromStage.instance;
      memory = fromStage.memory;
    } else {
      instance = new WebAssembly.Instance(module, imports);
    }
    if (memory === undefined) {
      const exported = instance.exports.memory;
      if (!(exported instanceof WebAssembly.Memory)) {
        throw new GranuleSetupError(
          "bad-launch",
          `${label}: the module neither imports nor exports a memory`,
        );
      }
      memory = exported;
    }
    liveWasi.bindMemory(getMemory);
    const fn = instance.exports[entryName];
    if (typeof fn !== "function") {
      throw new GranuleSetupError(
        "bad-launch",
        `${label}: the module has no exported function "${entryName}"`,
      );
    }
    entry = fn as (...args: (number | bigint)[]) => unknown;
    for (const hook of hooks) runHook(hook);
    if (restore !== undefined) {
      try {
        applySnapshot(instance, getMemory(), restore, fromStage?.id);
      } catch (e) {
        throw new GranuleSetupError(
          "bad-snapshot",
          `${label}: the snapshot cannot be restored: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
      post({
        type: "restored",
        at: performance.timeOrigin + performance.now(),
        memoryDigest: launch.digestAfterRestore === true ? memoryDigest(getMemory()) : undefined,
      });
      controlPoints.startRewind(restore.stack);
    }
  } catch (e) {
    return { outcome: outcomeFromError(e, "setup"), wasi };
  }

  post({ type: "started", at: performance.timeOrigin + performance.now() });
  try {
    entry(...entryArgs);
    if (controlPoints.suspension !== undefined) return { outcome: suspendedOutcome(), wasi };
    return { outcome: { kind: "exited", code: 0 }, wasi };
  } catch (e) {
    return { outcome: outcomeFromError(e, "run"), wasi };
  }

  /** The entry returned early because a control point suspended the granule: capture it. */
  function suspendedOutcome(): GranuleOutcome {
    const suspension = controlPoints.finishUnwind();
    const live = wasi as WasiPreview1;
    const snapshot = captureSnapshot(
      instance as WebAssembly.Instance,
      memory as WebAssembly.Memory,
      suspension,
      {
        identity: launch.identity ?? { jobId: "", granuleId: label },
        moduleHash: launch.moduleHash ?? "",
        entry: entryName,
        entryArgs,
        wasi: live.getState(),
        base: controlPoints.deltaBase(),
      },
    );
    return {
      kind: "suspended",
      message: `${label} suspended at ${suspension.controlPoint} for a snapshot`,
      snapshot,
    };
  }
}

const { outcome, wasi } = await run();
let wasiState: WasiState | null = null;
try {
  wasiState = wasi?.getState() ?? null;
} catch {
  // The state is a courtesy for diagnostics and snapshots; the outcome must still be reported.
}
// A snapshot's memory chunks are buffers of their own: move them rather than copy them.
const transfer =
  outcome.kind === "suspended"
    ? outcome.snapshot.memory.chunks.map((c) => c.bytes.buffer as ArrayBuffer)
    : [];
post({ type: "done", outcome, wasiState }, transfer);
data.mailbox.close();
