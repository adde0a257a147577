// An import provider used by the runner tests: proves that host calls plug in from outside
// wasm-host/ (loaded by URL in the worker), see memory after instantiation, talk to the parent
// both ways, and that their failures (a throw, an exit, a heap exhausted) end the granule as the
// right outcome.

import type { ImportContext, ProviderImports } from "../../../wasm-host/mod.js";

export function createImports(ctx: ImportContext): ProviderImports {
  const data = ctx.providerData as
    | { readonly greeting?: string; readonly failAfterInstantiate?: boolean }
    | undefined;
  const hoard: unknown[] = [];
  return {
    imports: {
      granny_test: {
        add: (a: number, b: number) => a + b,
        tell_host: (value: number) => ctx.postToHost({ kind: "told", value }),
        ask_host: () => {
          const mail = ctx.receiveFromHost(10_000);
          if (mail === undefined) throw new Error("no answer from the host within 10 s");
          return (mail.message as { readonly answer: number }).answer;
        },
        greet: () => ctx.writeStdout(new TextEncoder().encode(`${data?.greeting ?? "no greeting"}\n`)),
        fail: () => {
          throw new Error("the provider refuses");
        },
        abort: (code: number) => ctx.exit(code),
        hog_heap: () => {
          // Grows the worker's JS heap until its resource limit ends the thread.
          for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
        },
      },
    },
    afterInstantiate: () => {
      if (data?.failAfterInstantiate === true) throw new Error("set-up after instantiation failed");
      ctx.postToHost({
        kind: "instantiated",
        memoryBytes: ctx.memory().buffer.byteLength,
        entry: ctx.launch.entry,
      });
    },
  };
}
