import type { StepOutcome } from './types.ts'

const STATUS_FUNCTIONS = ['always', 'success', 'failure', 'cancelled']

/**
 * Evaluates a post-if condition against the main step's outcome. Supports the status functions,
 * true/false, `!`, `&&`, `||` and parentheses. As in the runner, a condition that calls no status
 * function is implicitly `success() && (<condition>)`.
 */
export function evaluatePostIf(condition: string, outcome: StepOutcome): boolean {
  const expression = condition
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
    .trim()
  const usesStatus = STATUS_FUNCTIONS.some(name => new RegExp(`\\b${name}\\s*\\(`).test(expression))
  const parser = new ConditionParser(tokenize(expression), outcome)
  const value = parser.parse()
  return usesStatus ? value : outcome === 'success' && value
}

function tokenize(expression: string): string[] {
  const pattern = /\s*(&&|\|\||!|\(|\)|[A-Za-z_]\w*\s*\(\s*\)|[A-Za-z_]\w*)\s*/y
  const tokens: string[] = []
  while (pattern.lastIndex < expression.length) {
    const start = pattern.lastIndex
    const match = pattern.exec(expression)
    if (!match) throw new Error(`Unsupported post-if syntax near '${expression.slice(start)}'`)
    tokens.push((match[1] ?? '').replace(/\s+/g, ''))
  }
  return tokens
}

class ConditionParser {
  private readonly tokens: string[]
  private readonly outcome: StepOutcome
  private position = 0

  constructor(tokens: string[], outcome: StepOutcome) {
    this.tokens = tokens
    this.outcome = outcome
  }

  parse(): boolean {
    const value = this.or()
    if (this.position < this.tokens.length) {
      throw new Error(`Unexpected '${this.tokens[this.position]}' in post-if`)
    }
    return value
  }

  private or(): boolean {
    let value = this.and()
    while (this.tokens[this.position] === '||') {
      this.position++
      const right = this.and()
      value = value || right
    }
    return value
  }

  private and(): boolean {
    let value = this.unary()
    while (this.tokens[this.position] === '&&') {
      this.position++
      const right = this.unary()
      value = value && right
    }
    return value
  }

  private unary(): boolean {
    const token = this.tokens[this.position++]
    if (token === '!') return !this.unary()
    if (token === '(') {
      const value = this.or()
      if (this.tokens[this.position++] !== ')') throw new Error("Missing ')' in post-if")
      return value
    }
    return this.atom(token)
  }

  private atom(token: string | undefined): boolean {
    switch (token) {
      case 'always()':
        return true
      case 'success()':
        return this.outcome === 'success'
      case 'failure()':
        return this.outcome === 'failure'
      case 'cancelled()':
        return this.outcome === 'cancelled'
      case 'true':
        return true
      case 'false':
        return false
      default:
        throw new Error(`Unsupported post-if term '${token ?? '(end)'}'`)
    }
  }
}
