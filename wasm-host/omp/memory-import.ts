// Reads the memory a module imports (initial and maximum pages, shared) from its bytes: the
// job must create that memory before any thread is instantiated, and the WebAssembly JS API
// does not tell a memory import's limits.

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  readonly initial: number;
  readonly maximum: number | undefined;
  readonly shared: boolean;
}

export class NotAnOpenMpModuleError extends Error {
  override readonly name = "NotAnOpenMpModuleError";
}

export function memoryImportOf(bytes: Uint8Array): MemoryImport {
  let at = 8;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      if (b === undefined) throw new NotAnOpenMpModuleError("truncated WebAssembly module");
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const name = (): string => {
    const len = u32();
    const s = new TextDecoder().decode(bytes.subarray(at, at + len));
    at += len;
    return s;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const module = name();
        const field = name();
        const kind = bytes[at++];
        switch (kind) {
          case 0:
            u32();
            break;
          case 1: {
            at++;
            const flags = u32();
            u32();
            if (flags & 1) u32();
            break;
          }
          case 2: {
            const flags = u32();
            const initial = u32();
            const maximum = flags & 1 ? u32() : undefined;
            return { module, name: field, initial, maximum, shared: (flags & 2) !== 0 };
          }
          case 3:
            at += 2;
            break;
          case 4:
            at++;
            u32();
            break;
          default:
            throw new NotAnOpenMpModuleError(`unknown import kind ${kind} in the module`);
        }
      }
    }
    at = end;
  }
  throw new NotAnOpenMpModuleError(
    "the module does not import a memory: OpenMP programs must be built with granny cc -fopenmp (shared, imported memory)",
  );
}
