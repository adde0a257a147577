// The signal proc_exit throws to unwind the WebAssembly stack back to the granule runner, which
// turns it into an "exited" outcome. Branded with a registered symbol so that instanceof holds
// across copies of this module (vitest's source build next to dist/, provider modules).

const brand = Symbol.for("granny.wasm-host.WasiExit");

export class WasiExit extends Error {
  override readonly name = "WasiExit";
  readonly [brand] = true;

  constructor(readonly code: number) {
    super(`program exited with code ${code}`);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}
