// The rules page's data: the user's linkage rules, the last firing of each, the datapoints rules may use
// (`rules/params`, narrowed to what the product definitions say), saving, switching and deleting; and each rule read
// out as a sentence in the user's language, with display values and units ("当 阳台绿萝 的 土壤湿度 < 30% 时，
// 打开 水泵 5 分钟"). A rule may also control one of the user's single-product groups, taken from the groups' store
// of the 自动化 tab (stores/automation.ts), with the values of the group's product. The page goes through here,
// never the API module.
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { formatNumber } from '@shared/datapoint'
import type { AttrItem, AttrValue } from '@shared/open-api'
import type { Rule, RuleBody, RuleLog, RuleParams, RuleStep } from '@shared/rules'
import { createRule, deleteRule, fetchRuleLogs, fetchRuleParams, fetchRules, updateRule } from '@/api/rules'
import { failureText } from '@/components/feedback'
import { usePresentation } from '@/presentation/use-presentation'
import { useAutomationStore } from '@/stores/automation'
import { useDevicesStore } from '@/stores/devices'
import { OP_KEY, settable, valueOfRight } from './rule-draft'

export function useRules() {
  const { t } = useI18n()
  const devices = useDevicesStore()
  const automation = useAutomationStore()
  const presentation = usePresentation()
  const rules = ref<Rule[]>([])
  const lastLog = ref<Record<number, RuleLog>>({})
  const params = ref<RuleParams>({})
  const problem = ref('')
  const loaded = ref(false)

  /** Devices a rule may use: the user's own, not those shared with them as a guest (the BFF refuses those). */
  const usable = computed(() => devices.list.filter((device) => device.role !== 'guest'))
  const hasGuestDevices = computed(() => devices.list.some((device) => device.role === 'guest'))

  /** A product's datapoints that rules/params lists for it, as the definition describes them. */
  const attrsOfProduct = (productKey: string): AttrItem[] => {
    const allowed = new Set((params.value[productKey] ?? []).map((param) => param.name))
    return devices.attrsOf(productKey).filter((attr) => allowed.has(attr.name))
  }
  /** A device's datapoints that rules/params lists for its product. */
  const attrsFor = (did: string): AttrItem[] => {
    const device = devices.byDid(did)
    return device ? attrsOfProduct(device.product_key) : []
  }
  const attrOf = (did: string, name: string) => devices.attrOf(did, name)
  const productOf = (did: string) => devices.byDid(did)?.product_key ?? ''

  /** Groups a rule may control: one product's (a mixed group cannot be controlled) with something rules may set. */
  const groups = computed(() => automation.groups.filter((group) => group.product_key && attrsOfProduct(group.product_key).some(settable)))
  const groupProductOf = (id: string) => automation.group(id)?.product_key ?? ''
  const groupAttrsFor = (id: string): AttrItem[] => attrsOfProduct(groupProductOf(id))
  const groupAttrOf = (id: string, name: string) => devices.attrsOf(groupProductOf(id)).find((attr) => attr.name === name)
  const groupName = (id: string) => automation.group(id)?.group_name ?? id

  async function reload(): Promise<void> {
    try {
      await devices.load()
      const keys = [...new Set(usable.value.map((device) => device.product_key))]
      // The groups come with the rules; a failure there only leaves the group action out (the store keeps it).
      const [list, logs, found] = await Promise.all([fetchRules(), fetchRuleLogs(), keys.length ? fetchRuleParams(keys) : Promise.resolve({}), automation.load()])
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

  const valueIn = (productKey: string, attr: AttrItem, value: AttrValue): string => {
    if (attr.data_type === 'bool') return value === true ? t('rules.yes') : t('rules.no')
    if (attr.data_type === 'enum') return presentation(productKey).option(attr, String(value))
    return typeof value === 'number' ? `${formatNumber(attr, value)}${attr.unit ?? ''}` : String(value)
  }
  const valueText = (did: string, attr: AttrItem, value: AttrValue): string => valueIn(productOf(did), attr, value)
  const label = (did: string, attr: AttrItem) => presentation(productOf(did)).label(attr)
  const groupLabel = (id: string, attr: AttrItem) => presentation(groupProductOf(id)).label(attr)
  const groupValueText = (id: string, attr: AttrItem, value: AttrValue) => valueIn(groupProductOf(id), attr, value)
  const target = (did: string, attr: AttrItem, main: string) => (did === main ? label(did, attr) : t('rules.sentence.targetOn', { device: devices.nameOf(did), attr: label(did, attr) }))
  const duration = (seconds: number) => (seconds % 60 === 0 ? t('rules.sentence.minutes', { n: seconds / 60 }) : t('rules.sentence.seconds', { n: seconds }))

  const stepText = (step: RuleStep, main: string): string => {
    if (step.type === 'delay') return t('rules.sentence.wait', { duration: duration(step.delay) })
    if (step.type === 'notify') return t('rules.sentence.notify', { content: step.content })
    if (step.type === 'groupctrl') {
      const group = t('rules.sentence.group', { name: groupName(step.group_id) })
      return Object.entries(step.attrs).map(([name, value]) => {
        const attr = devices.attrsOf(step.product_key).find((candidate) => candidate.name === name)
        if (!attr) return group
        const where = t('rules.sentence.targetOn', { device: group, attr: presentation(step.product_key).label(attr) })
        if (attr.data_type === 'bool') return t('rules.sentence.turn', { verb: value === true ? t('rules.on') : t('rules.off'), target: where })
        return t('rules.sentence.set', { target: where, value: valueIn(step.product_key, attr, value) })
      }).join('，')
    }
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
    const targetOf = (step: RuleStep | undefined) => (step?.type === 'devctrl' ? `device:${step.did}` : step?.type === 'groupctrl' ? `group:${step.group_id}` : null)
    if (steps.length === 3 && wait.type === 'delay' && targetOf(first) !== null && targetOf(first) === targetOf(back)
      && (first.type === 'devctrl' || first.type === 'groupctrl') && (back.type === 'devctrl' || back.type === 'groupctrl')) {
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

  return {
    rules, lastLog, params, problem, loaded, usable, hasGuestDevices, attrsFor, attrOf, productOf, reload, save, setEnabled, remove, sentence, valueText, label,
    groups, groupProductOf, groupAttrsFor, groupAttrOf, groupLabel, groupValueText,
  }
}
