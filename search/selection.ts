/**
 * Selection: which evaluated genomes survive and which become parents.
 *
 * Two modes:
 * - "apex": one scalar, the Apex score (../shared/APEX.md) with a tiny parsimony penalty:
 *     fitnessKey = F - PARSIMONY_PER_NODE * size, where
 *     F = s.apexMean when the evaluator provides it (the mean over corpus files f of
 *         apexScore(ratio_f, predictedPySec_f), which is exactly what the validator averages), else
 *     F = apexScore(s.ratio, s.predictedPySec), with s.ratio = total compressed bytes / total
 *         original bytes and s.predictedPySec = mean predicted Python compress+decompress time per file.
 *   Ties (equal key) go to the smaller genome, then to the smaller hash, so runs are deterministic.
 * - "pareto": NSGA-II over (bytes, encodeSec, decodeSec), all minimised: non-dominated rank, then
 *   crowding distance. Its scalar key (for reports and ties) is 1 - ratio - parsimony.
 * Elitism: in both modes the genome with the best apex key always survives (the competition score
 * is what a run finally delivers), and in pareto mode the extremes of the first front survive
 * through their infinite crowding distance.
 */
import type { Genome } from "./genome.js";
import type { Rng } from "./rng.js";

/** The Apex denominator: task time is measured against 1 + 0.012 s. */
export const APEX_TIME_SCALE = 1 + 0.012;
/** Score lost per pipeline node: breaks ties and resists bloat without outweighing a real 0.1% gain. */
export const PARSIMONY_PER_NODE = 1e-4;

/** clip((1 - ratio) * (1 - taskTime / 1.012), 0, 1); NaN inputs score 0. */
export const apexScore = (ratio: number, taskTimeSec: number): number => {
  const s = (1 - ratio) * (1 - taskTimeSec / APEX_TIME_SCALE);
  return Number.isNaN(s) ? 0 : Math.min(1, Math.max(0, s));
};

export type SelectionMode = "apex" | "pareto";

export interface Scored {
  readonly hash: string;
  readonly genome: Genome;
  /** Total compressed bytes over the corpus. */
  readonly bytes: number;
  /** bytes / total original bytes. */
  readonly ratio: number;
  /** Measured TypeScript encode / decode time over the corpus (seconds). */
  readonly encodeSec: number;
  readonly decodeSec: number;
  /** Predicted Python compress + decompress time per file (mean over files, seconds). */
  readonly predictedPySec: number;
  /** Node count. */
  readonly size: number;
  /** Optional: mean over files of apexScore(ratio_f, predictedPySec_f); preferred over the aggregate when given. */
  readonly apexMean?: number;
}

export type Objectives = (s: Scored) => readonly number[];
/** The NSGA-II objectives of pareto mode, all minimised. */
export const paretoObjectives: Objectives = (s) => [s.bytes, s.encodeSec, s.decodeSec];

const apexFitness = (s: Scored): number => s.apexMean ?? apexScore(s.ratio, s.predictedPySec);

/** Higher is better. See the header for the exact definition per mode. */
export const fitnessKey = (s: Scored, mode: SelectionMode): number =>
  (mode === "apex" ? apexFitness(s) : 1 - s.ratio) - PARSIMONY_PER_NODE * s.size;

/** Negative when a is better: key, then fewer nodes, then hash. */
const compareByKey = (mode: SelectionMode) => (a: Scored, b: Scored): number =>
  fitnessKey(b, mode) - fitnessKey(a, mode) || a.size - b.size || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);
const compareApex = compareByKey("apex");

const dominates = (a: readonly number[], b: readonly number[]): boolean => {
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
};

/** Deb's fast non-dominated sort: fronts best first, each in population order. */
export const nonDominatedSort = (pop: readonly Scored[], objectives: Objectives): Scored[][] => {
  const objs = pop.map(objectives);
  const dominated: number[][] = pop.map(() => []);
  const count = new Array<number>(pop.length).fill(0);
  for (let i = 0; i < pop.length; i++)
    for (let j = i + 1; j < pop.length; j++) {
      if (dominates(objs[i], objs[j])) {
        dominated[i].push(j);
        count[j]++;
      } else if (dominates(objs[j], objs[i])) {
        dominated[j].push(i);
        count[i]++;
      }
    }
  const fronts: Scored[][] = [];
  let current = pop.map((_, i) => i).filter((i) => count[i] === 0);
  while (current.length > 0) {
    fronts.push(current.map((i) => pop[i]));
    const next: number[] = [];
    for (const i of current)
      for (const j of dominated[i]) if (--count[j] === 0) next.push(j);
    current = next.sort((x, y) => x - y);
  }
  return fronts;
};

/** Crowding distances by position in `front` (boundary points Infinity; each objective normalised by its range). */
const crowding = (front: readonly Scored[], objectives: Objectives): number[] => {
  const n = front.length;
  const dist = new Array<number>(n).fill(0);
  if (n <= 2) return dist.fill(Infinity);
  const objs = front.map(objectives);
  for (let m = 0; m < objs[0].length; m++) {
    const order = front.map((_, i) => i).sort((x, y) => objs[x][m] - objs[y][m]);
    const lo = objs[order[0]][m];
    const hi = objs[order[n - 1]][m];
    dist[order[0]] = dist[order[n - 1]] = Infinity;
    if (hi === lo) continue;
    for (let k = 1; k < n - 1; k++) dist[order[k]] += (objs[order[k + 1]][m] - objs[order[k - 1]][m]) / (hi - lo);
  }
  return dist;
};

/** NSGA-II crowding distance of each member of a front, by hash. */
export const crowdingDistance = (front: readonly Scored[], objectives: Objectives): Map<string, number> => {
  const d = crowding(front, objectives);
  return new Map(front.map((s, i) => [s.hash, d[i]]));
};

interface Ranking {
  readonly rank: Map<Scored, number>;
  readonly crowd: Map<Scored, number>;
  /** Everyone, best first by (rank, -crowding, apex key). */
  readonly order: Scored[];
}

const rankPareto = (pop: readonly Scored[]): Ranking => {
  const rank = new Map<Scored, number>();
  const crowd = new Map<Scored, number>();
  const fronts = nonDominatedSort(pop, paretoObjectives);
  fronts.forEach((front, r) => {
    const d = crowding(front, paretoObjectives);
    front.forEach((s, i) => {
      rank.set(s, r);
      crowd.set(s, d[i]);
    });
  });
  const order = [...pop].sort((a, b) => rank.get(a)! - rank.get(b)! || crowd.get(b)! - crowd.get(a)! || compareApex(a, b));
  return { rank, crowd, order };
};

const uniqueByHash = (pop: readonly Scored[]): Scored[] => {
  const seen = new Set<string>();
  return pop.filter((s) => !seen.has(s.hash) && (seen.add(s.hash), true));
};

/**
 * Best first, but a genome whose compressed total equals a better one's (the same output spelled
 * another way, e.g. a rans window past every reference it takes) only after all the others: such
 * twins would fill the population with one phenotype and leave no room to explore.
 */
const twinsLast = (ranked: readonly Scored[]): Scored[] => {
  const seen = new Set<number>();
  const first: Scored[] = [];
  const twins: Scored[] = [];
  for (const s of ranked) {
    (seen.has(s.bytes) ? twins : first).push(s);
    seen.add(s.bytes);
  }
  return [...first, ...twins];
};

/** By apex key, best first, a better genome's twins after all the others (where the local search looks first). */
export const eliteOrder = (pop: readonly Scored[]): Scored[] => twinsLast([...pop].sort(compareApex));

/**
 * The k survivors (duplicates by hash dropped first), best first. apex: by fitnessKey, a better
 * genome's twins (same compressed total) last. pareto: NSGA-II (fill by front, cut the last front
 * by crowding), with the apex-best kept in any case.
 */
export const selectSurvivors = (pop: readonly Scored[], k: number, mode: SelectionMode): Scored[] => {
  const unique = uniqueByHash(pop);
  if (k <= 0 || unique.length === 0) return [];
  if (mode === "apex") return eliteOrder(unique).slice(0, k).sort(compareApex);
  const survivors = rankPareto(unique).order.slice(0, k);
  const elite = unique.reduce((best, s) => (compareApex(s, best) < 0 ? s : best));
  if (!survivors.includes(elite)) survivors[survivors.length - 1] = elite;
  return survivors;
};

/** Ranks are computed once per population array (the array is treated as immutable while selecting). */
const rankings = new WeakMap<readonly Scored[], Ranking>();

/** k-way tournament with replacement: apex by fitnessKey; pareto by rank, then crowding, then apex key. */
export const tournament = (pop: readonly Scored[], rng: Rng, mode: SelectionMode, size = 2): Scored => {
  if (pop.length === 0) throw new RangeError("tournament on an empty population");
  const entrants = Array.from({ length: Math.max(1, size) }, () => rng.pick(pop));
  if (mode === "apex") return entrants.reduce((best, s) => (compareApex(s, best) < 0 ? s : best));
  let ranking = rankings.get(pop);
  if (!ranking || entrants.some((s) => !ranking!.rank.has(s))) rankings.set(pop, (ranking = rankPareto(pop)));
  const { rank, crowd } = ranking;
  const better = (a: Scored, b: Scored) => rank.get(a)! - rank.get(b)! || crowd.get(b)! - crowd.get(a)! || compareApex(a, b);
  return entrants.reduce((best, s) => (better(s, best) < 0 ? s : best));
};
