// Preloaded with `node --import` into a measured run: at exit it writes the process's peak
// resident set size (kB, from getrusage) to BENCH_RSS_FILE. Plain JavaScript on purpose: a .ts
// preload would load Node's type stripper and add ~17 MB to what is measured.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_RSS_FILE
if (file) {
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
}
