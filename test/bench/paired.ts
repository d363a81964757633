// GradLens and a peer measured in interleaved rounds (ours, theirs, ours, …) after both are warm, so
// the ratio compares steps that ran under the same conditions: on this VM the same step's time drifts
// by up to 40 % between minutes and processes, and a ratio of two runs made at different times
// measures mostly that drift. The ratio is the median of the per-pair ratios.

/** One round's time per step (ms): wall clock and the process's CPU time. */
export interface RoundTimes {
  wall: number;
  cpu: number;
}

/** A side runs `steps` steps and reports its own time per step. */
export type Side = (steps: number) => RoundTimes | Promise<RoundTimes>;

export interface PairingPlan {
  stepsPerRound: number;
  pairs: number;
  /** each side steps until it has spent this long (ms, by its own clock) and taken this many steps
   * before rounds count */
  warmupMs: number;
  warmupSteps: number;
  /** stop after this long (ms) once `minPairs` pairs are in */
  budgetMs?: number;
  minPairs?: number;
}

export interface Paired {
  /** medians of each side's rounds */
  ours: RoundTimes;
  theirs: RoundTimes | null;
  /** ours ÷ theirs: the median of the per-pair ratios (wall and CPU separately) */
  ratio: RoundTimes | null;
  /** the first and third quartiles of the per-pair wall ratios: how much the pairs disagree */
  ratioQuartiles: [number, number] | null;
  pairs: number;
  /** the declared warm-up: rounds each side ran before the first pair */
  warmupRounds: { ours: number; theirs: number };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-quantile (0…1) by linear interpolation between the sorted values (numpy's default). */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
  return s[lo]! + (s[hi]! - s[lo]!) * (h - lo);
}

/** Medians of both sides and the median of the per-pair ratios ours / theirs. */
export function summarizePairs(pairs: ReadonlyArray<readonly [RoundTimes, RoundTimes]>): Pick<Paired, "ours" | "theirs" | "ratio" | "ratioQuartiles"> {
  const of = (side: 0 | 1, k: keyof RoundTimes) => median(pairs.map((p) => p[side][k]));
  const ratios = (k: keyof RoundTimes) => pairs.map(([o, t]) => o[k] / t[k]);
  const wall = ratios("wall");
  return {
    ours: { wall: of(0, "wall"), cpu: of(0, "cpu") },
    theirs: { wall: of(1, "wall"), cpu: of(1, "cpu") },
    ratio: { wall: median(wall), cpu: median(ratios("cpu")) },
    ratioQuartiles: [quantile(wall, 0.25), quantile(wall, 0.75)],
  };
}

/**
 * Warms both sides by the same rule (rounds until each has stepped for `warmupMs` and `warmupSteps`:
 * V8 tiers wasm and JS up after enough executed work, compiling in the background, which a loaded
 * machine slows), then alternates measured rounds.
 * Without a peer, our rounds alone follow the same plan.
 */
export async function interleave(ours: Side, theirs: Side | null, plan: PairingPlan): Promise<Paired> {
  const { stepsPerRound: n, warmupMs, warmupSteps } = plan;
  const warmMs = { ours: 0, theirs: 0 };
  const warmupRounds = { ours: 0, theirs: 0 };
  const cold = (side: "ours" | "theirs") => warmMs[side] < warmupMs || warmupRounds[side] * n < warmupSteps;
  while (cold("ours") || (theirs !== null && cold("theirs"))) {
    if (cold("ours")) {
      warmMs.ours += (await ours(n)).wall * n;
      warmupRounds.ours++;
    }
    if (theirs !== null && cold("theirs")) {
      warmMs.theirs += (await theirs(n)).wall * n;
      warmupRounds.theirs++;
    }
  }
  const pairs: Array<[RoundTimes, RoundTimes]> = [];
  const alone: RoundTimes[] = [];
  const start = performance.now();
  for (let i = 0; i < plan.pairs; i++) {
    const o = await ours(n);
    if (theirs === null) alone.push(o);
    else pairs.push([o, await theirs(n)]);
    const done = Math.max(pairs.length, alone.length);
    if (plan.budgetMs !== undefined && performance.now() - start > plan.budgetMs && done >= (plan.minPairs ?? 3)) break;
  }
  if (theirs === null) {
    const ours = { wall: median(alone.map((r) => r.wall)), cpu: median(alone.map((r) => r.cpu)) };
    return { ours, theirs: null, ratio: null, ratioQuartiles: null, pairs: alone.length, warmupRounds };
  }
  return { ...summarizePairs(pairs), pairs: pairs.length, warmupRounds };
}
