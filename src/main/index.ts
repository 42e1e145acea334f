import '../runner/quiet-deprecations.ts'
import { isPostStep } from './handoff.ts'
import { runPost } from './post.ts'
import { run } from './run.ts'

// One bundle for both steps of action.yml: the post step is told apart by the state main saved.
await (isPostStep() ? runPost() : run())
