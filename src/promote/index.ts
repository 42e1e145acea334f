import '../runner/quiet-deprecations.ts'
import { run } from './main.ts'

await run()
