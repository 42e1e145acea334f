// The floor for start-up: a bundle that only imports @actions/core and sets one output. Any
// action built with this toolkit pays this much; the benchmark builds it like dist/.
import * as core from '@actions/core'

core.setOutput('ready', 'true')
