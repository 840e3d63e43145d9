// Linkage rules (seed 003 设备联动) relayed under /api/app with Gizwits' paths and shapes. The cloud stores and runs
// them; we check first what the cloud would only find out later or not at all: every device the rule names is the
// user's and not one shared with them as a guest, every group it controls is one of the user's groups (asked of the
// cloud's group list, as the group routes do) of the product the step names, every control inside it passes the same datapoint check as a
// single control (gizwits/datapoint-check.ts), and its conditions compare what can be compared. A bad rule is
// refused when it is saved, not when it fires.
import { Type } from 'typebox'
import { GizwitsErrorCode, type AttrItem, type BoundDevice } from '@shared/open-api'
import { RuleBody, RuleErrorCode, RuleIdResult, RuleList, RuleLogList, RuleLogsQuery, RuleParams, RulesQuery, type Rule } from '@shared/rules'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { AutomationClient } from '../gizwits/automation-client'
import { assertWritable } from '../gizwits/datapoint-check'
import { GizwitsApiError } from '../gizwits/open-api-client'
import { RulesClient } from '../gizwits/rules-client'
import { errorResponses as errors, type RouteScope } from './route-schemas'

const RuleId = Type.Object({ rule_id: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) }, { additionalProperties: false })
const ParamsQuery = Type.Object({ product_key: Type.String({ pattern: '^[0-9a-fA-F]{32}(,[0-9a-fA-F]{32}){0,15}$' }) }, { additionalProperties: false })

/** Every device a rule names: its main device, its inputs and the devices it controls. */
const devicesOf = (rule: Pick<RuleBody, 'did' | 'input' | 'output'>): string[] =>
  [...new Set([rule.did, ...rule.input.map((input) => input.did), ...rule.output.flat().flatMap((step) => (step.type === 'devctrl' ? [step.did] : []))])]

export async function rulesRoutes(app: RouteScope, context: Context): Promise<void> {
  const { access, accounts } = context
  const rules = new RulesClient(context.client)
  const groups = new AutomationClient(context.client)

  const nameOf = (device: BoundDevice) => device.dev_alias || device.product_name || device.did
  const refuseGuest = (device: BoundDevice) => {
    if (device.role === 'guest') throw new ApiError(403, 'rule_guest', 'rule_guest', { name: nameOf(device) })
  }

  /** The checks before a rule goes to the cloud (see the file's comment). */
  const check = async (openid: string, body: RuleBody) => {
    const bound = new Map<string, BoundDevice>()
    for (const did of devicesOf(body)) {
      const device = await access.boundDevice(openid, did)
      refuseGuest(device)
      bound.set(did, device)
    }
    const attrsOf = async (productKey: string) => (await access.product(productKey)).attrs
    const main = bound.get(body.did)!
    if (main.product_key !== body.product_key) throw new ApiError(400, 'rule_product_mismatch', 'rule_device_product', { name: nameOf(main) })
    const prefixes = new Map<string, AttrItem[]>()
    for (const input of body.input) {
      if (bound.get(input.did)!.product_key !== input.product_key) throw new ApiError(400, 'rule_product_mismatch', 'rule_device_product', { name: nameOf(bound.get(input.did)!) })
      prefixes.set(input.prefix, await attrsOf(input.product_key))
    }
    for (const condition of body.condition.flat()) {
      const [prefix, name] = condition.left.split('.')
      const attr = prefixes.get(prefix)?.find((candidate) => candidate.name === name)
      if (!attr) throw new ApiError(400, 'attr_unknown', 'attr_unknown', { name: condition.left })
      const label = attr.display_name || attr.name
      const numeric = !['bool', 'enum', 'binary'].includes(attr.data_type)
      if (!['==', '!='].includes(condition.opt) && !numeric) throw new ApiError(400, 'rule_condition', 'rule_condition_ordering', { name: label })
      const quoted = /^(['"]).*\1$/.test(condition.right)
      const valid = attr.data_type === 'bool' ? ['0', '1'].includes(condition.right)
        : attr.data_type === 'enum' ? (quoted && (attr.enum ?? []).includes(condition.right.slice(1, -1))) || /^\d+$/.test(condition.right)
          : attr.data_type === 'binary' ? quoted
            : Number.isFinite(Number(condition.right)) && condition.right.trim() !== ''
      if (!valid) throw new ApiError(400, 'rule_condition', 'rule_condition_value', { name: label })
    }
    // The user's groups, asked once for the rule: a group of someone else's is "not found", as on the group routes.
    let mine: Map<string, string> | null = null
    for (const step of body.output.flat()) {
      if (step.type === 'devctrl') assertWritable(await attrsOf(bound.get(step.did)!.product_key), step.attrs, 'hex')
      if (step.type === 'groupctrl') {
        mine ??= new Map((await accounts.withToken(openid, (token) => groups.groups(token))).map((group) => [group.id, group.product_key]))
        if (!mine.has(step.group_id)) throw new ApiError(404, 'group_not_found', 'group_not_found')
        // The values are judged by the group's own product, not by whatever product the step claims.
        if (!mine.get(step.group_id)) throw new ApiError(400, GizwitsErrorCode.FORM_INVALID, 'group_mixed_products')
        if (mine.get(step.group_id) !== step.product_key) throw new ApiError(400, 'rule_product_mismatch', 'rule_group_product')
        if (!(await access.mayReadProduct(openid, step.product_key))) throw new ApiError(404, 'product_not_allowed', 'product_not_allowed')
        assertWritable(await attrsOf(step.product_key), step.attrs, 'hex')
      }
    }
  }

  /** One of the user's rules, or 404. */
  const ownRule = async (openid: string, ruleId: number): Promise<Rule> => {
    for (let skip = 0; ; skip += 100) {
      const page = await accounts.withToken(openid, (token) => rules.list(token, { limit: 100, skip }))
      const found = page.rules.find((rule) => rule.rule_id === ruleId)
      if (found) return found
      if (page.rules.length < 100) throw new ApiError(404, RuleErrorCode.RULE_NOT_FOUND, 'rule_not_found')
    }
  }

  /** A kept rule may be changed or deleted only by a user who is not a guest on any of its devices. */
  const refuseGuestOnKept = async (openid: string, rule: Rule) => {
    const mine = await access.devicesOf(openid)
    for (const did of devicesOf(rule)) {
      const device = mine.find((candidate) => candidate.did === did)
      if (device) refuseGuest(device)
    }
  }

  /** The cloud's refusals of a rule, in words: a loop names the rules in it. */
  const saving = async <T>(name: string, save: () => Promise<T>): Promise<T> => {
    try {
      return await save()
    } catch (error) {
      if (!(error instanceof GizwitsApiError)) throw error
      const detail = error.body.detail_message ?? ''
      if (error.code === RuleErrorCode.RULE_LOOP) {
        const chain = detail.replace(/^rule loop: /, '').split(' -> ').map((part) => (part === 'this rule' ? name : /^rule \d+ \((.*)\)$/.exec(part)?.[1] ?? part.replace(/^rule /, '#')))
        throw new ApiError(409, RuleErrorCode.RULE_LOOP, 'rule_loop', { chain: chain.map((item) => `“${item}”`).join(' → ') }, detail)
      }
      if (error.code === RuleErrorCode.RULE_NOT_FOUND) throw new ApiError(404, RuleErrorCode.RULE_NOT_FOUND, 'rule_not_found')
      if (error.code === 9015) throw new ApiError(400, error.code, 'rule_cloud_refused', { detail }, detail)
      throw error
    }
  }

  app.get('/api/app/rules/params', { schema: { querystring: ParamsQuery, response: { 200: RuleParams, ...errors } } }, async (request) => {
    const { openid } = request
    const keys = request.query.product_key.split(',')
    for (const key of keys) if (!(await access.mayReadProduct(openid, key))) throw new ApiError(404, 'product_not_allowed', 'product_not_allowed')
    return accounts.withToken(openid, (token) => rules.params(token, keys))
  })

  app.get('/api/app/rules', { schema: { querystring: RulesQuery, response: { 200: RuleList, ...errors } } }, async (request) => {
    const { openid } = request
    return accounts.withToken(openid, (token) => rules.list(token, { limit: request.query.limit ?? 20, skip: request.query.skip ?? 0 }))
  })

  app.get('/api/app/rules/logs', { schema: { querystring: RuleLogsQuery, response: { 200: RuleLogList, ...errors } } }, async (request) => {
    const { openid } = request
    return accounts.withToken(openid, (token) => rules.logs(token, request.query))
  })

  app.post('/api/app/rules', { schema: { body: RuleBody, response: { 201: RuleIdResult, ...errors } } }, async (request, reply) => {
    const { openid } = request
    const { rule_id: _none, ...body } = request.body
    await check(openid, body)
    const created = await saving(body.name, () => accounts.withToken(openid, (token) => rules.create(token, body)))
    return reply.status(201).send(created)
  })

  app.put('/api/app/rules/:rule_id', { schema: { params: RuleId, body: RuleBody, response: { 200: RuleIdResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { rule_id: ruleId } = request.params
    const { rule_id: _same, ...body } = request.body
    await refuseGuestOnKept(openid, await ownRule(openid, ruleId))
    await check(openid, body)
    return saving(body.name, () => accounts.withToken(openid, (token) => rules.update(token, ruleId, body)))
  })

  app.delete('/api/app/rules/:rule_id', { schema: { params: RuleId, response: { 200: RuleIdResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { rule_id: ruleId } = request.params
    await refuseGuestOnKept(openid, await ownRule(openid, ruleId))
    return saving('', () => accounts.withToken(openid, (token) => rules.remove(token, ruleId)))
  })
}
