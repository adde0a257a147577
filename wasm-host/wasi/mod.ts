// WASI preview 1 for granules: the one entry of wasm-host/wasi/.
export { GranuleClocks, sharedNowNs } from "./clocks.js";
export { Errno, PREVIEW1_FUNCTIONS, WASI_NAMESPACE } from "./constants.js";
export { WasiExit } from "./exit.js";
export { type WasiIo, WasiPreview1 } from "./preview1.js";
export {
  createWasiState,
  parseWasiState,
  type StdioStream,
  WASI_STATE_VERSION,
  type WasiClockState,
  type WasiFdState,
  type WasiState,
  WasiStateError,
} from "./state.js";
