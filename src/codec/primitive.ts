import fc from "fast-check";
import { Schema } from "effect";

/**
 * A primitive is one node kind of a pipeline tree: a split (1 stream -> k), a transform (1 -> 1)
 * or a backend (terminal entropy stage). Its id is part of the wire format and is never reused:
 * a changed kernel gets a new id (and a new name).
 *
 * Parameters are flat records of small integers or enum labels, so one generic codec writes them
 * to frames (varints in declaration order; enums as their index) and one generic Schema validates
 * pipeline JSON. TS and Python see the same record (enum values as their string labels).
 */
export type IntParam = {
  readonly kind: "int";
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly doc: string;
};
export type EnumParam<L extends string = string> = {
  readonly kind: "enum";
  readonly values: readonly L[];
  readonly default: L;
  readonly doc: string;
};
export type ParamSpec = IntParam | EnumParam;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export type ParamsOf<S extends ParamSpecs> = {
  readonly [K in keyof S]: S[K] extends EnumParam<infer L> ? L : number;
};
/** Erased parameter record as it travels through pipelines and frames. */
export type Params = Readonly<Record<string, number | string>>;

export const int = (min: number, max: number, dflt: number, doc: string): IntParam => ({
  kind: "int",
  min,
  max,
  default: dflt,
  doc,
});
export const oneOf = <const L extends string>(values: readonly L[], dflt: L, doc: string): EnumParam<L> => ({
  kind: "enum",
  values,
  default: dflt,
  doc,
});

export type PrimitiveKind = "split" | "transform" | "backend";

export interface Encoded<P> {
  readonly streams: Uint8Array[];
  /** Parameters as resolved by the encoder (e.g. `auto` period detected); these go into the frame. */
  readonly params: P;
}

export interface DecodeInfo {
  /** Hard upper bound on any buffer this decode may allocate. */
  readonly cap: number;
  /** For backends: the decoded length the frame declares (already checked against `cap`). */
  readonly decodedLength: number;
}

export interface PrimitiveDef<S extends ParamSpecs> {
  readonly id: number;
  readonly name: string;
  readonly kind: PrimitiveKind;
  readonly summary: string;
  /** Byte layout of the outputs (or payload), for docs/FORMAT.md and `evocodec pipelines`. */
  readonly layout: string;
  readonly params: S;
  /** Number of output streams of a split for these params (transforms: 1, backends: 0). */
  readonly arity?: (p: ParamsOf<S>) => number;
  /** Names of a split's outputs, for `inspect` (defaults to s0, s1, ...). */
  readonly outputNames?: (p: ParamsOf<S>) => readonly string[];
  readonly encode: (input: Uint8Array, p: ParamsOf<S>) => Encoded<ParamsOf<S>>;
  /** Inverse of encode. Must validate everything it reads and throw CodecError (via `fail`). */
  readonly decode: (streams: readonly Uint8Array[], p: ParamsOf<S>, info: DecodeInfo) => Uint8Array;
  /**
   * Python (numpy) source of the same kernels: defines `enc_<py>(data, p) -> (streams, p)` and
   * `dec_<py>(streams, p, info) -> np.ndarray[uint8]` where <py> is the name with '-' -> '_'.
   * `data` and streams are 1-D uint8 arrays; `info` has `cap` and `n` (declared decoded length).
   */
  readonly python: string;
  /** Parameters worth exploring; defaults to every value the spec admits. */
  readonly arbitrary?: fc.Arbitrary<ParamsOf<S>>;
}

export interface Primitive {
  readonly id: number;
  readonly name: string;
  readonly pyName: string;
  readonly kind: PrimitiveKind;
  readonly summary: string;
  readonly layout: string;
  readonly params: ParamSpecs;
  readonly schema: Schema.Schema<Params, Record<string, unknown>>;
  readonly arbitrary: fc.Arbitrary<Params>;
  readonly python: string;
  arity(p: Params): number;
  outputNames(p: Params): readonly string[];
  defaults(): Params;
  encode(input: Uint8Array, p: Params): Encoded<Params>;
  decode(streams: readonly Uint8Array[], p: Params, info: DecodeInfo): Uint8Array;
}

const paramSchema = (spec: ParamSpec) =>
  spec.kind === "int"
    ? Schema.Int.pipe(Schema.between(spec.min, spec.max))
    : Schema.Literal(...(spec.values as [string, ...string[]]));

const paramArbitrary = (spec: ParamSpec): fc.Arbitrary<number | string> =>
  spec.kind === "int" ? fc.integer({ min: spec.min, max: spec.max }) : fc.constantFrom(...spec.values);

/** Turns a typed definition into the erased record the registry, frames and search work with. */
export const definePrimitive = <S extends ParamSpecs>(def: PrimitiveDef<S>): Primitive => {
  const fields = Object.fromEntries(
    Object.entries(def.params).map(([k, spec]) => [
      k,
      Schema.optionalWith(paramSchema(spec) as Schema.Schema<number | string>, {
        default: () => spec.default,
        exact: true,
      }),
    ]),
  );
  const schema = Schema.Struct(fields) as unknown as Schema.Schema<Params, Record<string, unknown>>;
  const defaults = (): Params =>
    Object.fromEntries(Object.entries(def.params).map(([k, spec]) => [k, spec.default]));
  const arity = (p: Params) =>
    def.kind === "backend" ? 0 : def.kind === "transform" ? 1 : def.arity!(p as ParamsOf<S>);
  return {
    id: def.id,
    name: def.name,
    pyName: def.name.replace(/-/g, "_"),
    kind: def.kind,
    summary: def.summary,
    layout: def.layout,
    params: def.params,
    schema,
    python: def.python,
    arbitrary:
      (def.arbitrary as fc.Arbitrary<Params> | undefined) ??
      (fc.record(Object.fromEntries(Object.entries(def.params).map(([k, s]) => [k, paramArbitrary(s)]))) as fc.Arbitrary<Params>),
    arity,
    outputNames: (p) => def.outputNames?.(p as ParamsOf<S>) ?? Array.from({ length: arity(p) }, (_, i) => `s${i}`),
    defaults,
    encode: (input, p) => def.encode(input, p as ParamsOf<S>),
    decode: (streams, p, info) => def.decode(streams, p as ParamsOf<S>, info),
  };
};
