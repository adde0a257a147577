// Ambient types for the WebAssembly JS API as Node 20 provides it. The project's tsconfig has no
// DOM lib (where TypeScript keeps these) and @types/node 20 does not declare them, so the
// wasm-host room declares the subset it and its sub-rooms (mpi/, omp/) use. One declaration for
// the whole project: add members here rather than declaring the namespace again elsewhere.

declare namespace WebAssembly {
  type ImportExportKind = "function" | "global" | "memory" | "table" | "tag";
  type ValueType = "i32" | "i64" | "f32" | "f64" | "v128" | "anyfunc" | "externref";
  type ExportValue = ((...args: never[]) => unknown) | Global | Memory | Table;
  type Exports = Record<string, ExportValue>;
  type ImportValue = ExportValue | number | bigint;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;

  interface ModuleImportDescriptor {
    kind: ImportExportKind;
    module: string;
    name: string;
  }
  interface ModuleExportDescriptor {
    kind: ImportExportKind;
    name: string;
  }

  // biome-ignore lint/suspicious/noEmptyInterface: opaque, as in TypeScript's DOM lib
  interface Module {}
  var Module: {
    prototype: Module;
    new (bytes: ArrayBufferView | ArrayBuffer): Module;
    customSections(moduleObject: Module, sectionName: string): ArrayBuffer[];
    exports(moduleObject: Module): ModuleExportDescriptor[];
    imports(moduleObject: Module): ModuleImportDescriptor[];
  };

  interface Instance {
    readonly exports: Exports;
  }
  var Instance: {
    prototype: Instance;
    new (module: Module, importObject?: Imports): Instance;
  };

  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  interface Memory {
    /**
     * Replaced on every grow. Typed ArrayBuffer as in TypeScript's DOM lib, so code written
     * against the standard types compiles; for a shared memory it is a SharedArrayBuffer.
     */
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: {
    prototype: Memory;
    new (descriptor: MemoryDescriptor): Memory;
  };

  interface GlobalDescriptor {
    mutable?: boolean;
    value: ValueType;
  }
  interface Global {
    value: number | bigint;
    valueOf(): number | bigint;
  }
  var Global: {
    prototype: Global;
    new (descriptor: GlobalDescriptor, v?: number | bigint): Global;
  };

  interface TableDescriptor {
    element: "anyfunc" | "externref";
    initial: number;
    maximum?: number;
  }
  interface Table {
    readonly length: number;
    get(index: number): unknown;
    grow(delta: number, value?: unknown): number;
    set(index: number, value?: unknown): void;
  }
  var Table: {
    prototype: Table;
    new (descriptor: TableDescriptor, value?: unknown): Table;
  };

  interface CompileError extends Error {}
  var CompileError: {
    prototype: CompileError;
    new (message?: string): CompileError;
  };
  interface LinkError extends Error {}
  var LinkError: {
    prototype: LinkError;
    new (message?: string): LinkError;
  };
  interface RuntimeError extends Error {}
  var RuntimeError: {
    prototype: RuntimeError;
    new (message?: string): RuntimeError;
  };

  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
  function instantiate(moduleObject: Module, importObject?: Imports): Promise<Instance>;
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
