// Seed 003's sharing, guest and message-centre paths over HTTP; the rules live in SharingDesk.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { objectBody, optionalString, userFrom } from './gizwits-http'
import type { World } from './world'

type Query = Record<string, string | undefined>

function page(query: Query): { limit: number; skip: number } {
  const limit = query.limit === undefined ? 20 : Number(query.limit)
  const skip = query.skip === undefined ? 0 : Number(query.skip)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(skip) || skip < 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'limit and skip must be whole numbers')
  return { limit, skip }
}

function recordId(request: FastifyRequest): number {
  const id = Number((request.params as { id: string }).id)
  if (!Number.isInteger(id) || id < 1) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'id must be a sharing record id')
  return id
}

/** `meta` as the cloud pages lists, with the neighbouring pages as paths. */
function meta(path: string, query: Query, total: number, { limit, skip }: { limit: number; skip: number }) {
  const link = (at: number) => {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined))
    params.set('skip', String(at))
    params.set('limit', String(limit))
    return `${path}?${params}`
  }
  return { total, limit, skip, previous: skip > 0 ? link(Math.max(0, skip - limit)) : null, next: skip + limit < total ? link(skip + limit) : null }
}

export async function gizwitsSharingHttp(app: FastifyInstance, options: { world: World; appId: string }): Promise<void> {
  const desk = options.world.sharing
  const userOf = userFrom(options.world, options.appId)

  app.post('/app/sharing', async (request, reply) => {
    const uid = userOf(request)
    const body = objectBody(request)
    if (body.type !== 0 && body.type !== 1) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'type must be 0 (normal) or 1 (QR)')
    const did = optionalString(body, 'did')
    if (!did) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'did is required')
    if (body.duration !== undefined && typeof body.duration !== 'number') throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'duration must be minutes')
    const created = desk.create(uid, {
      type: body.type, did, uid: optionalString(body, 'uid'), username: optionalString(body, 'username'), email: optionalString(body, 'email'),
      phone: optionalString(body, 'phone'), duration: body.duration as number | undefined,
    })
    return reply.status(201).send(created)
  })

  app.get('/app/sharing', async (request) => {
    const uid = userOf(request)
    const query = request.query as Query
    if (query.sharing_type !== '0' && query.sharing_type !== '1') throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'sharing_type must be 0 or 1')
    if (query.status !== undefined && !/^[0-3](,[0-3])*$/.test(query.status)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'status must be 0–3, comma separated')
    const paging = page(query)
    const { total, objects } = desk.list(uid, { sharing_type: Number(query.sharing_type) as 0 | 1, status: query.status?.split(',').map(Number), did: query.did, ...paging })
    return { meta: meta('/app/sharing', query, total, paging), objects }
  })

  app.delete('/app/sharing/:id', async (request) => desk.cancel(userOf(request), recordId(request)))

  app.put('/app/sharing/:id', async (request) => {
    const uid = userOf(request)
    const status = (request.query as Query).status
    if (status !== '1' && status !== '2') throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'status must be 1 (accept) or 2 (reject)')
    return desk.respond(uid, recordId(request), status === '1')
  })

  app.get('/app/sharing/code/:code', async (request) => desk.codeInfo(userOf(request), (request.params as { code: string }).code))

  app.post('/app/sharing/code/:code', async (request, reply) => {
    desk.acceptCode(userOf(request), (request.params as { code: string }).code)
    return reply.status(201).send({})
  })

  app.put('/app/sharing/:id/alias', async (request) => {
    const uid = userOf(request)
    const alias = (request.query as Query).user_alias
    if (alias === undefined || alias.length > 100) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'user_alias is required, at most 100 characters')
    desk.setAlias(uid, recordId(request), alias)
    return {}
  })

  app.post('/app/sharing/:did/transfer', async (request) => {
    const uid = userOf(request)
    const guest = (request.query as Query).uid
    if (!guest) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'uid is required')
    desk.transfer(uid, (request.params as { did: string }).did, guest)
    return {}
  })

  app.get('/app/:did/bindings', async (request) => desk.guests(userOf(request), (request.params as { did: string }).did))

  app.delete('/app/:did/bindings', async (request) => {
    const uid = userOf(request)
    const guest = (request.query as Query).uid
    if (!guest) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'uid is required')
    desk.removeGuest(uid, (request.params as { did: string }).did, guest)
    return {}
  })

  app.get('/app/messages', async (request) => {
    const uid = userOf(request)
    const query = request.query as Query
    const type = query.type === undefined ? undefined : Number(query.type)
    if (type !== undefined && !Number.isInteger(type)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'type must be a number')
    const paging = page(query)
    const { total, objects } = desk.messages(uid, { type, ...paging })
    return { meta: meta('/app/messages', query, total, paging), objects }
  })

  app.put('/app/messages/:id', async (request) => {
    const uid = userOf(request)
    const status = (request.query as Query).status
    if (status !== '1' && status !== '2') throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'status must be 1 (read) or 2 (deleted)')
    desk.markMessage(uid, (request.params as { id: string }).id, Number(status) as 1 | 2)
    return {}
  })
}
