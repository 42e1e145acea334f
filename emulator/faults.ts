// Fault injection: rules that make the next matching requests fail the ways real networks and
// gateways do (an error code, a 5xx page, a dropped connection before or after the work, a delay).
import type { FaultRule } from './types.ts'

interface ActiveRule {
  id: string
  rule: FaultRule
  remaining: number
}

export class Faults {
  private rules: ActiveRule[] = []
  private nextId = 1

  /** Returns an id for `remove`. `times` defaults to 1; Infinity keeps the rule forever. */
  add(rule: FaultRule): string {
    const remaining = rule.times ?? 1
    if (!(remaining > 0)) throw new Error('A fault rule needs times > 0')
    if (rule.drop && rule.drop !== 'before' && rule.drop !== 'after') {
      throw new Error(`A fault rule's drop must be 'before' or 'after', not ${String(rule.drop)}`)
    }
    const id = `fault-${this.nextId++}`
    this.rules.push({ id, rule: { ...rule }, remaining })
    return id
  }

  remove(id: string): boolean {
    const before = this.rules.length
    this.rules = this.rules.filter(active => active.id !== id)
    return this.rules.length !== before
  }

  clear(): void {
    this.rules = []
  }

  /** The rules still armed, with how many more requests each will hit. */
  list(): Array<FaultRule & { id: string; remaining: number }> {
    return this.rules.map(({ id, rule, remaining }) => ({ ...rule, id, remaining }))
  }

  /** The first armed rule for this request, used up by one. */
  take(action: string, region: string): FaultRule | undefined {
    const active = this.rules.find(
      ({ rule }) =>
        (rule.action === '*' || rule.action === action) &&
        (rule.region === undefined || rule.region === region)
    )
    if (!active) return undefined
    active.remaining -= 1
    if (active.remaining <= 0) this.remove(active.id)
    return active.rule
  }
}
