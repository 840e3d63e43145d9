// The linkage rule paths of the Open API (seed 003 设备联动): `GET /app/rules/params`, `GET|POST /app/rules`,
// `PUT|DELETE /app/rules/{rule_id}`, with the seed's shapes; and `GET /app/rules/logs`, the firings with their
// step results, which the seed does not document (README, "Invented").
import type { FastifyInstance } from 'fastify'
import { ErrorCode, GizwitsFailure } from '../gizwits-errors'
import { userFrom } from '../gizwits-http'
import type { World } from '../world'
import type { RuleEngine } from './rule-engine'

const wholeNumber = (value: string | undefined, fallback: number, key: string, min: number, max: number): number => {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < min || number > max) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `${key} must be a whole number ${min}..${max}`)
  return number
}

export async function rulesHttp(app: FastifyInstance, options: { world: World; engine: RuleEngine; appId: string }): Promise<void> {
  const { engine } = options
  const userOf = userFrom(options.world, options.appId)
  const ruleIdOf = (params: unknown) => wholeNumber((params as { rule_id: string }).rule_id, 0, 'rule_id', 1, 2 ** 31)

  app.get('/app/rules/params', async (request) => {
    userOf(request)
    const { product_key: keys } = request.query as { product_key?: string }
    return engine.params((keys ?? '').split(',').map((key) => key.trim()).filter(Boolean))
  })

  app.get('/app/rules', async (request) => {
    const uid = userOf(request)
    const query = request.query as Record<string, string | undefined>
    return { rules: engine.list(uid, wholeNumber(query.limit, 20, 'limit', 1, 1000), wholeNumber(query.skip, 0, 'skip', 0, 1_000_000)) }
  })

  app.get('/app/rules/logs', async (request) => {
    const uid = userOf(request)
    const query = request.query as Record<string, string | undefined>
    const ruleId = query.rule_id === undefined ? undefined : wholeNumber(query.rule_id, 0, 'rule_id', 1, 2 ** 31)
    return { logs: engine.logs(uid, ruleId, wholeNumber(query.limit, 20, 'limit', 1, 100)) }
  })

  app.post('/app/rules', async (request, reply) => {
    const uid = userOf(request)
    return reply.status(201).send({ rule_id: engine.create(uid, request.body) })
  })

  app.put('/app/rules/:rule_id', async (request) => {
    const uid = userOf(request)
    return { rule_id: engine.update(uid, ruleIdOf(request.params), request.body) }
  })

  app.delete('/app/rules/:rule_id', async (request) => {
    const uid = userOf(request)
    return { rule_id: engine.remove(uid, ruleIdOf(request.params)) }
  })
}
