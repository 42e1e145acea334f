// Summaries of repeated measurements: machines are noisy, so every figure is a spread.

export interface Spread {
  min: number
  median: number
  max: number
  mean: number
  n: number
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: NaN, median: NaN, max: NaN, mean: NaN, n: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  return {
    min: sorted[0]!,
    median: percentile(sorted, 50),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
    n: sorted.length
  }
}

/** Linear interpolation between closest ranks, on values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low)
}

/** A seeded random source (mulberry32), so a run of the simulation can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
