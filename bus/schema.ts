// A small validator for decoded CBOR values. Every message is checked field by field before any
// receiver sees it, so a malformed message becomes a typed error at the edge, never a crash deep
// inside an actor. The static type of a message is inferred from its schema: one definition.

export class SchemaError extends Error {
  override name = "SchemaError";
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path || "message"}: expected ${expected}`);
  }
}

export interface Schema<T> {
  readonly describe: string;
  parse(value: unknown, path: string): T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function schema<T>(describe: string, check: (v: unknown, path: string) => T): Schema<T> {
  return { describe, parse: check };
}

export const string = (): Schema<string> =>
  schema("a string", (v, p) => {
    if (typeof v !== "string") throw new SchemaError(p, "a string");
    return v;
  });

export const number = (): Schema<number> =>
  schema("a number", (v, p) => {
    if (typeof v !== "number" || Number.isNaN(v)) throw new SchemaError(p, "a number");
    return v;
  });

export const int = (): Schema<number> =>
  schema("an integer", (v, p) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new SchemaError(p, "an integer");
    return v;
  });

export const bool = (): Schema<boolean> =>
  schema("a boolean", (v, p) => {
    if (typeof v !== "boolean") throw new SchemaError(p, "a boolean");
    return v;
  });

export const bytes = (): Schema<Uint8Array> =>
  schema("a byte string", (v, p) => {
    if (!(v instanceof Uint8Array)) throw new SchemaError(p, "a byte string");
    return v;
  });

export const literal = <const L extends string>(lit: L): Schema<L> =>
  schema(JSON.stringify(lit), (v, p) => {
    if (v !== lit) throw new SchemaError(p, JSON.stringify(lit));
    return lit;
  });

export const oneOf = <const L extends readonly string[]>(values: L): Schema<L[number]> =>
  schema(`one of ${values.join(", ")}`, (v, p) => {
    if (typeof v !== "string" || !values.includes(v)) throw new SchemaError(p, `one of ${values.join(", ")}`);
    return v as L[number];
  });

export const optional = <T>(inner: Schema<T>): Schema<T | undefined> =>
  schema(`${inner.describe} or nothing`, (v, p) =>
    v === undefined || v === null ? undefined : inner.parse(v, p),
  );

export const array = <T>(item: Schema<T>): Schema<T[]> =>
  schema(`an array of ${item.describe}`, (v, p) => {
    if (!Array.isArray(v)) throw new SchemaError(p, `an array of ${item.describe}`);
    return v.map((x, i) => item.parse(x, `${p}[${i}]`));
  });

/** String-keyed map with values of one schema (CBOR maps decode to plain objects). */
export const record = <T>(value: Schema<T>): Schema<Record<string, T>> =>
  schema(`a map of ${value.describe}`, (v, p) => {
    if (!isPlainObject(v)) throw new SchemaError(p, `a map of ${value.describe}`);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = value.parse(x, `${p}.${k}`);
    return out;
  });

type Shape = Record<string, Schema<unknown>>;
type Optionals<S extends Shape> = {
  [K in keyof S]: undefined extends Infer<S[K]> ? K : never;
}[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, Optionals<S>>]: Infer<S[K]> } & {
  [K in Optionals<S>]?: Infer<S[K]>;
};

export const object = <S extends Shape>(shape: S): Schema<ObjectOf<S>> =>
  schema("a map", (v, p) => {
    if (!isPlainObject(v)) throw new SchemaError(p, "a map");
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const parsed = field.parse(v[key], p ? `${p}.${key}` : key);
      if (parsed !== undefined) out[key] = parsed;
    }
    return out as ObjectOf<S>;
  });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
