// The Open API paths the page needs, under /api/app, on an allowlist: same paths and shapes as Gizwits. The BFF
// adds the appid, the user's token and signatures, and checks the device and the command before anything leaves.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import {
  AttrValue, BindingsCreateBody, BindingsCreateResult, BindingsQuery, BindLatestBody, BindingsResponse, BindingUpdateBody, BindingUpdateResult, BindMacBody, BoundDevice,
  DevdataLatest, EmptyObject, ProductDefinition, UnbindBody, UnbindResult,
} from '@shared/open-api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { assertWritable } from './control-check'
import { Did, errorResponses } from './route-schemas'

const errors = errorResponses
/** The page writes datapoints only; raw frames would bypass the datapoint checks. */
const PageControlBody = Type.Object({ attrs: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), AttrValue, { minProperties: 1 }) }, { additionalProperties: false })

export async function appApiRoutes(app: FastifyInstance, context: Context): Promise<void> {
  const { access, accounts, client } = context

  app.get('/api/app/bindings', { schema: { querystring: BindingsQuery, response: { 200: BindingsResponse, ...errors } } }, async (request) => {
    const { openid } = await context.requireSession(request)
    const query = request.query as BindingsQuery
    const page = await accounts.withToken(openid, (token) => client.getBindings(token, query))
    if ((query.skip ?? 0) === 0 && page.devices.length < (query.limit ?? 20)) access.remember(openid, page.devices)
    return page
  })

  app.get('/api/app/devices/:did', { schema: { params: Did, response: { 200: BoundDevice, ...errors } } }, async (request) => {
    const { openid } = await context.requireSession(request)
    const { did } = request.params as { did: string }
    await access.boundDevice(openid, did)
    return accounts.withToken(openid, (token) => client.getDevice(token, did))
  })

  app.get('/api/app/datapoint', {
    schema: { querystring: Type.Object({ product_key: Type.String({ pattern: '^[0-9a-fA-F]{32}$' }) }), response: { 200: ProductDefinition, ...errors } },
  }, async (request) => {
    const { openid } = await context.requireSession(request)
    const { product_key: productKey } = request.query as { product_key: string }
    if (!(await access.mayReadProduct(openid, productKey))) throw new ApiError(404, 'product_not_allowed', 'product_not_allowed')
    return (await access.product(productKey)).definition
  })

  app.get('/api/app/devdata/:did/latest', { schema: { params: Did, response: { 200: DevdataLatest, ...errors } } }, async (request) => {
    const { openid } = await context.requireSession(request)
    const { did } = request.params as { did: string }
    await access.boundDevice(openid, did)
    return accounts.withToken(openid, (token) => client.getLatest(token, did))
  })

  app.post('/api/app/control/:did', { schema: { params: Did, body: PageControlBody, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const { openid } = await context.requireSession(request)
    const { did } = request.params as { did: string }
    const { attrs } = request.body as { attrs: Record<string, AttrValue> }
    const device = await access.boundDevice(openid, did)
    assertWritable((await access.product(device.product_key)).attrs, attrs, 'hex')
    return accounts.withToken(openid, (token) => client.control(token, did, { attrs }))
  })

  app.post('/api/app/bind_mac', { schema: { body: BindMacBody, response: { 201: BoundDevice, ...errors } } }, async (request, reply) => {
    const { openid } = await context.requireSession(request)
    const body = request.body as BindMacBody
    const secret = context.config.gizwits.products.get(body.product_key)
    if (!secret) throw new ApiError(400, 'product_not_allowed', 'product_not_allowed')
    const device = await accounts.withToken(openid, (token) => client.bindMac(token, { ...body, mac: body.mac.toLowerCase() }, secret))
    access.forget(openid)
    return reply.status(201).send(device)
  })

  app.post('/api/app/bindings', { schema: { body: BindingsCreateBody, response: { 201: BindingsCreateResult, ...errors } } }, async (request, reply) => {
    const { openid } = await context.requireSession(request)
    const result = await accounts.withToken(openid, (token) => client.bindByPasscode(token, request.body as BindingsCreateBody))
    access.forget(openid)
    return reply.status(201).send(result)
  })

  app.post('/api/app/bind_latest', { schema: { body: BindLatestBody, response: { 201: EmptyObject, ...errors } } }, async (request, reply) => {
    const { openid } = await context.requireSession(request)
    await accounts.withToken(openid, (token) => client.bindLatest(token, request.body as BindLatestBody))
    access.forget(openid)
    return reply.status(201).send({})
  })

  app.delete('/api/app/bindings', { schema: { body: UnbindBody, response: { 200: UnbindResult, ...errors } } }, async (request) => {
    const { openid } = await context.requireSession(request)
    const { devices } = request.body as UnbindBody
    for (const { did } of devices) await access.boundDevice(openid, did)
    const result = await accounts.withToken(openid, (token) => client.unbind(token, devices.map((device) => device.did)))
    access.forget(openid)
    return result
  })

  app.put('/api/app/bindings/:did', { schema: { params: Did, body: BindingUpdateBody, response: { 200: BindingUpdateResult, ...errors } } }, async (request) => {
    const { openid } = await context.requireSession(request)
    const { did } = request.params as { did: string }
    await access.boundDevice(openid, did)
    const result = await accounts.withToken(openid, (token) => client.updateBinding(token, did, request.body as BindingUpdateBody))
    access.forget(openid)
    return result
  })
}
