// The rules page's data: the user's linkage rules, the last firing of each, the datapoints rules may use
// (`rules/params`, narrowed to what the product definitions say), saving, switching and deleting; and each rule read
// out as a sentence in the user's language, with display values and units ("当 阳台绿萝 的 土壤湿度 < 30% 时，
// 打开 水泵 5 分钟"). The page goes through here, never the API module.
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { formatNumber } from '@shared/datapoint'
import type { AttrItem, AttrValue } from '@shared/open-api'
import type { Rule, RuleBody, RuleLog, RuleParams, RuleStep } from '@shared/rules'
import { createRule, deleteRule, fetchRuleLogs, fetchRuleParams, fetchRules, updateRule } from '@/api/rules'
import { failureText } from '@/components/feedback'
import { usePresentation } from '@/presentation/use-presentation'
import { useDevicesStore } from '@/stores/devices'
import { OP_KEY, valueOfRight } from './rule-draft'

export function useRules() {
  const { t } = useI18n()
  const devices = useDevicesStore()
  const presentation = usePresentation()
  const rules = ref<Rule[]>([])
  const lastLog = ref<Record<number, RuleLog>>({})
  const params = ref<RuleParams>({})
  const problem = ref('')
  const loaded = ref(false)

  /** Devices a rule may use: the user's own, not those shared with them as a guest (the BFF refuses those). */
  const usable = computed(() => devices.list.filter((device) => device.role !== 'guest'))
  const hasGuestDevices = computed(() => devices.list.some((device) => device.role === 'guest'))

  /** A device's datapoints that rules/params lists for its product, as the definition describes them. */
  const attrsFor = (did: string): AttrItem[] => {
    const device = devices.byDid(did)
    if (!device) return []
    const allowed = new Set((params.value[device.product_key] ?? []).map((param) => param.name))
    return devices.attrsOf(device.product_key).filter((attr) => allowed.has(attr.name))
  }
  const attrOf = (did: string, name: string) => devices.attrOf(did, name)
  const productOf = (did: string) => devices.byDid(did)?.product_key ?? ''

  async function reload(): Promise<void> {
    try {
      await devices.load()
      const keys = [...new Set(usable.value.map((device) => device.product_key))]
      const [list, logs, found] = await Promise.all([fetchRules(), fetchRuleLogs(), keys.length ? fetchRuleParams(keys) : Promise.resolve({})])
      rules.value = list.rules
      params.value = found
      const latest: Record<number, RuleLog> = {}
      for (const log of logs.logs) if (!latest[log.rule_id] || latest[log.rule_id].id < log.id) latest[log.rule_id] = log
      lastLog.value = latest
      problem.value = ''
    } catch (error) {
      problem.value = t('rules.loadFailed', { reason: failureText(error) })
    } finally {
      loaded.value = true
    }
  }

  const save = async (body: RuleBody) => {
    await createRule(body)
    await reload()
  }
  const setEnabled = async (rule: Rule, enabled: boolean) => {
    const { rule_id: ruleId, ...body } = rule
    await updateRule(ruleId, { ...body, enabled })
    await reload()
  }
  const remove = async (rule: Rule) => {
    await deleteRule(rule.rule_id)
    await reload()
  }

  // ---- reading a rule out ----

  const valueText = (did: string, attr: AttrItem, value: AttrValue): string => {
    if (attr.data_type === 'bool') return value === true ? t('rules.yes') : t('rules.no')
    if (attr.data_type === 'enum') return presentation(productOf(did)).option(attr, String(value))
    return typeof value === 'number' ? `${formatNumber(attr, value)}${attr.unit ?? ''}` : String(value)
  }
  const label = (did: string, attr: AttrItem) => presentation(productOf(did)).label(attr)
  const target = (did: string, attr: AttrItem, main: string) => (did === main ? label(did, attr) : t('rules.sentence.targetOn', { device: devices.nameOf(did), attr: label(did, attr) }))
  const duration = (seconds: number) => (seconds % 60 === 0 ? t('rules.sentence.minutes', { n: seconds / 60 }) : t('rules.sentence.seconds', { n: seconds }))

  const stepText = (step: RuleStep, main: string): string => {
    if (step.type === 'delay') return t('rules.sentence.wait', { duration: duration(step.delay) })
    if (step.type === 'notify') return t('rules.sentence.notify', { content: step.content })
    if (step.type === 'groupctrl') return t('rules.sentence.group', { id: step.group_id })
    return Object.entries(step.attrs).map(([name, value]) => {
      const attr = attrOf(step.did, name)
      if (!attr) return name
      if (attr.data_type === 'bool') return t('rules.sentence.turn', { verb: value === true ? t('rules.on') : t('rules.off'), target: target(step.did, attr, main) })
      return t('rules.sentence.set', { target: target(step.did, attr, main), value: valueText(step.did, attr, value) })
    }).join('，')
  }

  /** "打开 水泵 5 分钟" for on → wait → off of one switch; otherwise each step in order. */
  const groupText = (steps: RuleStep[], main: string): string => {
    const [first, wait, back] = steps
    if (steps.length === 3 && first.type === 'devctrl' && wait.type === 'delay' && back.type === 'devctrl' && first.did === back.did) {
      const [[name, value]] = Object.entries(first.attrs)
      if (Object.keys(first.attrs).length === 1 && back.attrs[name] === !value) {
        return t('rules.sentence.forDuration', { action: stepText(first, main), duration: duration(wait.delay) })
      }
    }
    return steps.map((step) => stepText(step, main)).join(t('rules.sentence.then'))
  }

  const sentence = (rule: Rule | RuleBody): string => {
    const prefixes = new Map(rule.input.map((input) => [input.prefix, input.did]))
    const conditionText = rule.condition.map((group) => group.map((condition) => {
      const [prefix, name] = condition.left.split('.')
      const did = prefixes.get(prefix) ?? ''
      const attr = attrOf(did, name)
      if (!attr) return condition.left
      return t('rules.sentence.condition', { device: devices.nameOf(did), attr: label(did, attr), op: t(`rules.op.${OP_KEY[condition.opt]}`), value: valueText(did, attr, valueOfRight(attr, condition.right)) })
    }).join(` ${t('rules.and')} `)).join(` ${t('rules.or')} `)
    return t('rules.sentence.when', { conditions: conditionText, actions: rule.output.map((group) => groupText(group, rule.did)).join(t('rules.sentence.also')) })
  }

  return { rules, lastLog, params, problem, loaded, usable, hasGuestDevices, attrsFor, attrOf, productOf, reload, save, setEnabled, remove, sentence, valueText, label }
}
