import './quiet-deprecations.ts'
import { run } from './main.ts'
import { isPostStep, runPost } from './post.ts'

// One bundle for both steps of action.yml: the post step is told apart by the state main saved.
await (isPostStep(process.env) ? runPost() : run())
