/** Public surface of the search core: rng, genomes, stream types, operators, selection, the gate. */
export { Rng } from "./rng.js";
export { ROOT_TYPE, STREAM_TYPES, accepts, hasTypeEntry, outputTypes, signature, typeErrors, wellTyped, type Signature, type StreamType } from "./types.js";
export {
  DEFAULT_LIMITS,
  canonicalize,
  genomeDepth,
  genomeHash,
  genomeSize,
  nodeHash,
  randomGenome,
  seedGenomes,
  type Genome,
  type Limits,
} from "./genome.js";
export { OPERATORS, crossover, mutate, type Operator } from "./operators.js";
export {
  APEX_TIME_SCALE,
  PARSIMONY_PER_NODE,
  apexScore,
  crowdingDistance,
  fitnessKey,
  nonDominatedSort,
  paretoObjectives,
  selectSurvivors,
  tournament,
  type Objectives,
  type Scored,
  type SelectionMode,
} from "./selection.js";
export { gate, gateNode, type Counterexample, type GateOptions, type GateResult } from "./gate.js";
export { adversarialBytes, bf16Tensor, bf16Value } from "./adversarial.js";
