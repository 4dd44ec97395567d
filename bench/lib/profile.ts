// How long and how wide each suite runs. 'quick' must finish in under 2
// minutes on a 2-core machine (about 70-90 s measured here, suites summed);
// 'full' takes longer windows and more rounds for tighter spreads; 'smoke'
// is the quick bench's smallest cases, what `npm test` runs (about 15-25 s),
// to prove the tool works end to end, not to measure anything.
import type { ProfileName } from './results.js';
import type { SizeName } from './sizes.js';

export interface Profile {
  name: ProfileName;
  /** Rounds: every case is sampled once per round, cases interleaved within a round. */
  rounds: number;
  kernels: { sizes: SizeName[]; sampleMs: number; samples: number };
  /**
   * checkRounds pairs of checkWindowMs windows per group re-measure auto
   * against the best fixed placement the sweep found (placements-check.ts).
   */
  placements: { sizes: SizeName[]; windowMs: number; checkRounds: number; checkWindowMs: number };
  pool: { windowMs: number; warmupMs: number; inflight: number; systems?: string[] };
  scaling: { windowMs: number; items: number };
  http: { seconds: number; warmupSeconds: number; connections: number; items: number };
  memory: { items: number; workers: number };
  /** Each window measured twice per case and round: at 1 in flight, then at 16; warmupMs per case, before the first round. */
  remote: { windowMs: number; warmupMs: number };
}

const QUICK: Profile = {
  name: 'quick',
  rounds: 3,
  // 21 cases x 5 samples x ~25 ms, plus calibration and input generation: ~6 s.
  kernels: { sizes: ['small', 'medium', 'large'], sampleMs: 25, samples: 5 },
  // 3 kernels x 2 sizes x 6 placements x 2 depths x 3 rounds x ~70 ms (a
  // quarter-window warm-up before each window): ~25 s; auto re-measured
  // against the best of 12 groups: 12 x 3 pairs x 2 x 100 ms: ~7 s.
  placements: { sizes: ['tiny', 'large'], windowMs: 40, checkRounds: 3, checkWindowMs: 80 },
  // 8 pools x 3 workloads x 3 rounds x 150 ms, plus warm-up: ~13 s.
  pool: { windowMs: 150, warmupMs: 60, inflight: 32 },
  scaling: { windowMs: 200, items: 20_000 },
  // 3 routes x 6 placements x (3 rounds x 0.5 s + 0.2 s warm-up), plus the server's start: ~35 s.
  http: { seconds: 0.5, warmupSeconds: 0.2, connections: 8, items: 100_000 },
  // The default catalog (100k x 128, 51 MB): shared, it is paid once.
  memory: { items: 100_000, workers: 4 },
  // 4 cases x 2 windows x 3 rounds x 300 ms, plus warm-up, redis-server and the worker's start: ~10 s.
  remote: { windowMs: 300, warmupMs: 300 },
};

const PROFILES: Record<ProfileName, Profile> = {
  quick: QUICK,
  full: {
    name: 'full',
    rounds: 5,
    kernels: { sizes: ['small', 'medium', 'large'], sampleMs: 60, samples: 9 },
    // Sweep: 144 cases x (75 ms + 5 x 190 ms): ~150 s. auto re-measured: 22
    // groups x 6 pairs x 2 x 375 ms: ~100 s.
    placements: { sizes: ['tiny', 'small', 'medium', 'large'], windowMs: 150, checkRounds: 6, checkWindowMs: 300 },
    pool: { windowMs: 600, warmupMs: 300, inflight: 32 },
    scaling: { windowMs: 600, items: 20_000 },
    http: { seconds: 3, warmupSeconds: 0.5, connections: 8, items: 100_000 },
    memory: { items: 100_000, workers: 4 },
    remote: { windowMs: 800, warmupMs: 500 },
  },
  smoke: {
    name: 'smoke',
    rounds: 2,
    kernels: { sizes: ['small'], sampleMs: 3, samples: 2 },
    placements: { sizes: ['tiny'], windowMs: 10, checkRounds: 1, checkWindowMs: 10 },
    pool: { windowMs: 30, warmupMs: 10, inflight: 8 },
    scaling: { windowMs: 30, items: 2_000 },
    http: { seconds: 0.15, warmupSeconds: 0.05, connections: 2, items: 2_000 },
    memory: { items: 10_000, workers: 2 },
    remote: { windowMs: 150, warmupMs: 200 },
  },
};

export function profile(name: ProfileName): Profile {
  return PROFILES[name];
}
