// The Open API paths the page needs, under /api/app, on an allowlist: same paths and shapes as Gizwits. The BFF
// adds the appid, the user's token and signatures, and checks the device and the command before anything leaves.
import { Type } from 'typebox'
import {
  BindingsCreateBody, BindingsCreateResult, BindingsQuery, BindLatestBody, BindingsResponse, BindingUpdateBody, BindingUpdateResult, BoundDevice,
  DevdataLatest, EmptyObject, ProductDefinition, UnbindBody, UnbindResult,
} from '@shared/open-api'
import { BindLabelBody } from '@shared/api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { assertWritable } from '../gizwits/datapoint-check'
import { Did, errorResponses, PageControlBody, type RouteScope } from './route-schemas'

const errors = errorResponses

export async function appApiRoutes(app: RouteScope, context: Context): Promise<void> {
  const { access, accounts, bindingChanges, client } = context

  app.get('/api/app/bindings', { schema: { querystring: BindingsQuery, response: { 200: BindingsResponse, ...errors } } }, async (request) => {
    const { openid, query } = request
    const page = await accounts.withToken(openid, (token) => client.getBindings(token, query))
    if ((query.skip ?? 0) === 0 && page.devices.length < (query.limit ?? 20)) access.remember(openid, page.devices)
    return { ...page, devices: await access.visibleOf(openid, page.devices) }
  })

  app.get('/api/app/devices/:did', { schema: { params: Did, response: { 200: BoundDevice, ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await access.boundDevice(openid, did)
    return accounts.withToken(openid, (token) => client.getDevice(token, did))
  })

  app.get('/api/app/datapoint', {
    schema: { querystring: Type.Object({ product_key: Type.String({ pattern: '^[0-9a-fA-F]{32}$' }) }, { additionalProperties: false }), response: { 200: ProductDefinition, ...errors } },
  }, async (request) => {
    const { openid } = request
    const { product_key: productKey } = request.query
    if (!(await access.mayReadProduct(openid, productKey))) throw new ApiError(404, 'product_not_allowed', 'product_not_allowed')
    return (await access.product(productKey)).definition
  })

  app.get('/api/app/devdata/:did/latest', { schema: { params: Did, response: { 200: DevdataLatest, ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await access.boundDevice(openid, did)
    return accounts.withToken(openid, (token) => client.getLatest(token, did))
  })

  app.post('/api/app/control/:did', { schema: { params: Did, body: PageControlBody, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    const { attrs } = request.body
    const device = await access.boundDevice(openid, did)
    assertWritable((await access.product(device.product_key)).attrs, attrs, 'hex')
    return accounts.withToken(openid, (token) => client.control(token, did, { attrs }))
  })

  // Binding needs proof of possession (gizwits/binding-guard.ts): a signed label, did + passcode, or the QR
  // service's code. There is deliberately no route that binds by product_key + MAC alone.
  app.post('/api/app/bind_label', { schema: { body: BindLabelBody, response: { 201: BoundDevice, ...errors } } }, async (request, reply) => {
    const { openid } = request
    const { product_key: productKey, mac, sig, dev_alias: devAlias } = request.body
    const device = await context.binding.bindLabel(openid, { productKey, mac, sig }, devAlias ? { dev_alias: devAlias } : {})
    return reply.status(201).send(device)
  })

  app.post('/api/app/bindings', { schema: { body: BindingsCreateBody, response: { 201: BindingsCreateResult, ...errors } } }, async (request, reply) => {
    const { openid } = request
    const [device] = request.body.devices
    return reply.status(201).send(await context.binding.bindPasscode(openid, device))
  })

  app.post('/api/app/bind_latest', { schema: { body: BindLatestBody, response: { 201: EmptyObject, ...errors } } }, async (request, reply) => {
    const { openid } = request
    await context.binding.bindQrService(openid, request.body.qr_content)
    return reply.status(201).send({})
  })

  app.delete('/api/app/bindings', { schema: { body: UnbindBody, response: { 200: UnbindResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { devices } = request.body
    for (const { did } of devices) await access.boundDevice(openid, did)
    const result = await accounts.withToken(openid, (token) => client.unbind(token, devices.map((device) => device.did)))
    bindingChanges.devicesChanged(devices.map((device) => device.did), openid)
    return result
  })

  app.put('/api/app/bindings/:did', { schema: { params: Did, body: BindingUpdateBody, response: { 200: BindingUpdateResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await access.boundDevice(openid, did)
    const result = await accounts.withToken(openid, (token) => client.updateBinding(token, did, request.body))
    bindingChanges.userChanged(openid)
    return result
  })
}
