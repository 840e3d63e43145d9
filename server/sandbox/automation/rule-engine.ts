// The cloud's rule engine for linkage rules (seed 003 设备联动): it keeps each user's rules, listens to the devices'
// own reports and online changes (devices.ts), and fires a rule when its main device's report turns its conditions
// from false to true — once per crossing, never on every report while they stay true — or on the online, offline,
// alert raised/cleared transition its event names. Outputs run as the seed says: groups at once and independently,
// the steps of a group in order, stopping at the first failure; delays run on the sandbox clock, so
// `POST /sandbox/clock` moves them. Each firing is logged with every step's result.
import type { Attrs } from '@shared/open-api'
import { type Rule, type RuleBody, type RuleLog, type RuleParams, type RuleStepResult, type RuleStep } from '@shared/rules'
import type { SandboxClock } from '../clock'
import { fromWire, rejectWrite } from '../device-rules'
import { ErrorCode, GizwitsFailure } from '../gizwits-errors'
import type { DeviceSimulator } from '../simulator'
import type { RuleStore } from '../store/rules'
import type { World } from '../world'
import { compileRule, conditionsHold, findLoop, parseRuleBody, type CompiledRule, type RuleGroups } from './rule-model'

/** How often due delays are looked at: the clock may jump (`POST /sandbox/clock`), so delays are not timers. */
const DELAY_CHECK_MS = 100

interface KeptRule {
  ruleId: number
  uid: string
  body: RuleBody
  enabled: boolean
  /** Null when the rule no longer fits the world (a device unbound since): it is listed but cannot fire. */
  compiled: CompiledRule | null
}

const isoTime = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

export class RuleEngine {
  private readonly rules = new Map<number, KeptRule>()
  /** Whether each data rule's conditions held at its main device's last report: firing needs false → true. */
  private readonly holding = new Map<number, boolean>()
  /** Each device's values at its last report, for alert/fault transitions (0 → 1 raised, 1 → 0 cleared). */
  private readonly lastValues = new Map<string, Attrs>()
  private readonly lastFiredMs = new Map<number, number>()
  private readonly sleepers = new Set<{ dueMs: number; wake: () => void }>()
  private timer: NodeJS.Timeout | undefined
  private readonly onReport = (did: string, attrs: Attrs) => this.reported(did, attrs)
  private readonly onOnline = (did: string, online: boolean) => this.onlineChanged(did, online)

  constructor(
    private readonly world: World,
    private readonly store: RuleStore,
    /** Where the rule's controls go, marked as the rule engine's (`d3`) and its maker's. */
    private readonly simulator: Pick<DeviceSimulator, 'write' | 'undelivered'>,
    private readonly groups: RuleGroups,
    private readonly clock: SandboxClock,
  ) {
    store.closeRunningLogs((row) => JSON.stringify((JSON.parse(row.detail) as RuleStepResult[]).map((step) =>
      step.result === 'pending' ? { ...step, result: 'failed', detail: 'the cloud restarted before this step' } : step)))
    for (const row of store.all()) {
      const body = JSON.parse(row.body) as RuleBody
      this.rules.set(row.rule_id, { ruleId: row.rule_id, uid: row.uid, body, enabled: row.enabled, compiled: this.tryCompile(row.uid, body) })
    }
    for (const device of world.devices.values()) this.lastValues.set(device.seed.did, { ...device.attrs })
    for (const rule of this.rules.values()) this.resetCrossing(rule)
  }

  start(): void {
    this.world.devices.on('report', this.onReport)
    this.world.devices.on('online', this.onOnline)
    this.timer = setInterval(() => this.wakeDue(), DELAY_CHECK_MS)
    this.timer.unref()
  }

  stop(): void {
    this.world.devices.off('report', this.onReport)
    this.world.devices.off('online', this.onOnline)
    clearInterval(this.timer)
    this.sleepers.clear()
  }

  // ---- the API's side ----

  /** `GET /app/rules/params`: the datapoints of these products (all products when none is named) rules may use. */
  params(productKeys: string[]): RuleParams {
    const products = productKeys.length ? productKeys.flatMap((key) => (this.world.products.has(key) ? [this.world.products.get(key)!] : [])) : [...this.world.products.values()]
    return Object.fromEntries(products.map((product) => [product.definition.product_key, product.attrs.map((attr) => ({
      display_name: attr.display_name, enum: attr.enum ?? [], type: attr.data_type === 'bool' || attr.data_type === 'enum' || attr.data_type === 'binary' ? attr.data_type : 'int', name: attr.name,
    }))]))
  }

  list(uid: string, limit: number, skip: number): Rule[] {
    return [...this.rules.values()].filter((rule) => rule.uid === uid).slice(skip, skip + limit).map((rule) => this.json(rule))
  }

  create(uid: string, raw: unknown): number {
    const { body, compiled, enabled } = this.admit(uid, raw, null)
    const ruleId = this.store.insert(uid, JSON.stringify(body), enabled, this.clock.nowS())
    const rule = { ruleId, uid, body, enabled, compiled }
    this.rules.set(ruleId, rule)
    this.resetCrossing(rule)
    return ruleId
  }

  update(uid: string, ruleId: number, raw: unknown): number {
    const kept = this.own(uid, ruleId)
    const admitted = this.admit(uid, raw, ruleId, kept.enabled)
    this.store.update(ruleId, JSON.stringify(admitted.body), admitted.enabled, this.clock.nowS())
    const rule = { ...kept, ...admitted }
    this.rules.set(ruleId, rule)
    this.resetCrossing(rule)
    return ruleId
  }

  remove(uid: string, ruleId: number): number {
    this.own(uid, ruleId)
    this.store.delete(ruleId)
    this.rules.delete(ruleId)
    this.holding.delete(ruleId)
    return ruleId
  }

  logs(uid: string, ruleId: number | undefined, limit: number): RuleLog[] {
    return this.store.logsOf(uid, ruleId, limit).map((row) => ({ id: row.id, rule_id: row.rule_id, fired_at: isoTime(row.fired_at), status: row.status, detail: JSON.parse(row.detail) as RuleStepResult[] }))
  }

  private own(uid: string, ruleId: number): KeptRule {
    const rule = this.rules.get(ruleId)
    if (!rule || rule.uid !== uid) throw new GizwitsFailure(ErrorCode.RULE_NOT_FOUND)
    return rule
  }

  /** Parses, checks against the world, and refuses a rule that would close a loop (9120, the chain in the detail). */
  private admit(uid: string, raw: unknown, ruleId: number | null, wasEnabled = true): { body: RuleBody; compiled: CompiledRule; enabled: boolean } {
    const parsed = parseRuleBody(raw)
    if (ruleId !== null && parsed.rule_id !== undefined && parsed.rule_id !== ruleId) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'rule_id differs from the path')
    const { enabled = wasEnabled, rule_id: _ignored, ...body } = parsed
    const compiled = compileRule(this.world, this.groups, uid, body)
    if (enabled) {
      const others = [...this.rules.values()].filter((rule) => rule.enabled && rule.compiled && rule.ruleId !== ruleId).map((rule) => ({ ruleId: rule.ruleId, uid: rule.uid, rule: rule.compiled! }))
      const loop = findLoop({ ruleId, uid, rule: compiled }, others, this.groups)
      if (loop) {
        const named = loop.map((step) => (step.ruleId === ruleId ? `this rule` : step.uid === uid ? `rule ${step.ruleId} (${step.rule.body.name})` : `rule ${step.ruleId}`))
        throw new GizwitsFailure(ErrorCode.RULE_LOOP, `rule loop: ${named.join(' -> ')}`)
      }
    }
    return { body, compiled, enabled }
  }

  private tryCompile(uid: string, body: RuleBody): CompiledRule | null {
    try {
      return compileRule(this.world, this.groups, uid, body)
    } catch {
      return null
    }
  }

  private json(rule: KeptRule): Rule {
    return { rule_id: rule.ruleId, ...rule.body, remark: rule.body.remark ?? '', interval: rule.body.interval ?? 0, enabled: rule.enabled }
  }

  // ---- firing ----

  private valuesOf = (did: string): Attrs | undefined => this.world.devices.get(did)?.attrs

  /** A new, changed or re-enabled rule starts from the present: it fires on the next crossing, not at once. */
  private resetCrossing(rule: KeptRule): void {
    if (rule.compiled && rule.body.event === 'data') this.holding.set(rule.ruleId, conditionsHold(rule.compiled, this.valuesOf))
  }

  private reported(did: string, attrs: Attrs): void {
    const before = this.lastValues.get(did) ?? {}
    this.lastValues.set(did, { ...attrs })
    for (const rule of this.rules.values()) {
      if (!rule.enabled || !rule.compiled || rule.body.did !== did) continue
      const { event } = rule.body
      if (event === 'data') {
        const holds = conditionsHold(rule.compiled, (which) => (which === did ? attrs : this.valuesOf(which)))
        const held = this.holding.get(rule.ruleId) ?? holds
        this.holding.set(rule.ruleId, holds)
        if (holds && !held) this.fire(rule)
      } else if ((event === 'alert' || event === 'fault') && rule.body.event_attr) {
        const name = rule.body.event_attr.attr_name
        const was = before[name] === true
        const is = attrs[name] === true
        const raised = rule.body.event_attr.value === '1'
        if (was !== is && is === raised && this.extraConditionsHold(rule)) this.fire(rule)
      }
    }
  }

  private onlineChanged(did: string, online: boolean): void {
    for (const rule of this.rules.values()) {
      if (!rule.enabled || !rule.compiled || rule.body.did !== did) continue
      if (rule.body.event === (online ? 'online' : 'offline') && this.extraConditionsHold(rule)) this.fire(rule)
    }
  }

  /** Conditions on an online/offline/alert/fault rule filter its event; without any, the event alone fires it. */
  private extraConditionsHold(rule: KeptRule): boolean {
    return rule.compiled!.conditions.length === 0 || conditionsHold(rule.compiled!, this.valuesOf)
  }

  private fire(rule: KeptRule): void {
    const nowMs = this.clock.nowMs()
    const last = this.lastFiredMs.get(rule.ruleId)
    if (last !== undefined && nowMs - last < (rule.body.interval ?? 0) * 1000) return
    this.lastFiredMs.set(rule.ruleId, nowMs)
    const detail: RuleStepResult[] = rule.body.output.flatMap((group, g) => group.map((step, s) => ({ group: g, step: s, type: step.type, ...stepTarget(step), result: 'pending' as const })))
    const logId = this.store.addLog(rule.ruleId, rule.uid, this.clock.nowS(), 'running', JSON.stringify(detail))
    const save = () => {
      const done = detail.every((step) => step.result !== 'pending')
      const failed = detail.some((step) => step.result === 'failed')
      this.store.updateLog(logId, done ? (failed ? 'failed' : 'succeed') : 'running', JSON.stringify(detail))
    }
    for (const [g, group] of rule.body.output.entries()) {
      void (async () => {
        let failed = false
        for (const [s, step] of group.entries()) {
          const entry = detail.find((item) => item.group === g && item.step === s)!
          if (failed) {
            entry.result = 'skipped'
            continue
          }
          if (step.type === 'delay') await this.sleep(step.delay)
          const outcome = this.run(rule.uid, step)
          Object.assign(entry, outcome)
          failed = outcome.result === 'failed'
          save()
        }
        save()
      })()
    }
  }

  private run(uid: string, step: RuleStep): Pick<RuleStepResult, 'result' | 'error_code' | 'detail'> {
    switch (step.type) {
      case 'delay': return { result: 'ok' }
      case 'notify':
        this.world.sharing.notice(uid, step.content)
        return { result: 'ok' }
      case 'devctrl': return this.control(uid, step.did, step.attrs)
      case 'groupctrl': {
        const members = this.groups.members(uid, step.group_id)
        if (!members) return { result: 'failed', error_code: ErrorCode.FORM_INVALID, detail: `group ${step.group_id} not found` }
        const failures = members.dids.map((did) => ({ did, outcome: this.control(uid, did, step.attrs) })).filter((item) => item.outcome.result === 'failed')
        return failures.length === 0
          ? { result: 'ok' }
          : { result: 'failed', error_code: failures[0].outcome.error_code, detail: failures.map((item) => `${item.did}: ${item.outcome.detail}`).join('; ') }
      }
    }
  }

  /** One control, judged as `POST /app/control` judges it, at the moment it is sent. */
  private control(uid: string, did: string, attrs: Record<string, unknown>): Pick<RuleStepResult, 'result' | 'error_code' | 'detail'> {
    const device = this.world.devices.get(did)
    if (!device) return { result: 'failed', error_code: ErrorCode.DEVICE_NOT_FOUND, detail: 'device not found' }
    if (!this.world.bindings.get(uid, did)) return { result: 'failed', error_code: ErrorCode.DEVICE_NOT_BOUND, detail: 'device no longer bound' }
    const values: Attrs = {}
    for (const [name, value] of Object.entries(attrs)) {
      const attr = this.world.devices.attrDef(did, name)
      const problem = rejectWrite(attr, value, 'rest')
      if (problem) return { result: 'failed', error_code: ErrorCode.ATTR_INVALID, detail: problem }
      values[name] = fromWire(attr!, value as never, 'rest')
    }
    // Sent either way, so the control is announced (SNoti app2dev_kv) with its maker; an offline device never gets it.
    if (!device.online) {
      this.simulator.undelivered(did, values, { source: 'd3', uid })
      return { result: 'failed', error_code: ErrorCode.DEVICE_OFFLINE, detail: 'device offline' }
    }
    this.simulator.write(did, values, { source: 'd3', uid })
    return { result: 'ok' }
  }

  private sleep(seconds: number): Promise<void> {
    return new Promise((wake) => this.sleepers.add({ dueMs: this.clock.nowMs() + seconds * 1000, wake }))
  }

  private wakeDue(): void {
    const now = this.clock.nowMs()
    for (const sleeper of this.sleepers) {
      if (sleeper.dueMs > now) continue
      this.sleepers.delete(sleeper)
      sleeper.wake()
    }
  }
}

function stepTarget(step: RuleStep): { did?: string; group_id?: string } {
  if (step.type === 'devctrl') return { did: step.did }
  if (step.type === 'groupctrl') return { group_id: step.group_id }
  return {}
}
