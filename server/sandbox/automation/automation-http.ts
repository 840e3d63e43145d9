// The Open API paths of device groups and user scenes (seed 003 设备分组, 用户场景), with seed 003's shapes, and the
// sandbox's invented additions for per-step results and a history of runs (README, "Invented").
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AttrValue } from '@shared/open-api'
import { ErrorCode, GizwitsFailure } from '../gizwits-errors'
import { objectBody, optionalString, userFrom } from '../gizwits-http'
import type { DeviceSimulator } from '../simulator'
import type { AutomationStore, GroupRow, SceneRow } from '../store/automation'
import type { World } from '../world'
import { Groups } from './groups'
import { Scenes, type SceneTask } from './scenes'

export interface AutomationHttpOptions {
  world: World
  simulator: DeviceSimulator
  store: AutomationStore
  appId: string
}

/** What other parts of the sandbox may call: one control to a group, one run of a scene (for rules and schedules). */
export interface Automation {
  groups: Groups
  scenes: Scenes
}

const NAME_MAX = 64

function name(body: Record<string, unknown>, key: string): string {
  const value = optionalString(body, key)?.trim()
  if (!value || value.length > NAME_MAX) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `${key} is required (1..${NAME_MAX} characters)`)
  return value
}

function dids(body: Record<string, unknown>): string[] {
  const list = body.dids
  if (!Array.isArray(list) || list.length === 0 || !list.every((did) => typeof did === 'string')) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'dids must be a non-empty array of strings')
  return list as string[]
}

export async function automationHttp(app: FastifyInstance, options: AutomationHttpOptions): Promise<Automation> {
  const { world } = options
  const deps = { world, simulator: options.simulator }
  const groups = new Groups(options.store, deps)
  const scenes = new Scenes(options.store, groups, deps)
  app.addHook('onClose', async () => scenes.stop())
  const userOf = userFrom(world, options.appId)
  const params = (request: FastifyRequest) => request.params as { id: string }

  const groupJson = (row: GroupRow) => ({
    id: row.id, group_name: row.group_name, product_key: row.product_key,
    verbose_name: row.product_key ? (world.products.get(row.product_key)?.definition.name ?? '') : '',
    created_at: row.created_at, updated_at: row.updated_at,
  })

  // ---- groups ----

  app.get('/app/group', async (request) => groups.list(userOf(request)).map(groupJson))

  app.post('/app/group', async (request, reply) => {
    const uid = userOf(request)
    const body = objectBody(request)
    const productKey = optionalString(body, 'product_key') || undefined
    return reply.status(201).send({ id: groups.create(uid, name(body, 'group_name'), productKey) })
  })

  app.put('/app/group/:id', async (request) => {
    groups.rename(userOf(request), params(request).id, name(objectBody(request), 'group_name'))
    return {}
  })

  app.delete('/app/group/:id', async (request) => {
    groups.delete(userOf(request), params(request).id)
    return {}
  })

  app.get('/app/group/:id/devices', async (request) => {
    const uid = userOf(request)
    return groups.devices(uid, params(request).id).map((did) => {
      const device = world.devices.get(did)!
      return { did, type: 'normal', product_key: device.seed.product_key, verbose_name: device.product.definition.name, dev_alias: world.bindings.get(uid, did)?.dev_alias ?? '' }
    })
  })

  app.post('/app/group/:id/devices', async (request, reply) => {
    const uid = userOf(request)
    const result = groups.add(uid, params(request).id, dids(objectBody(request)))
    const showDetail = (request.query as Record<string, string | undefined>).show_detail === '1'
    return reply.status(201).send(showDetail ? result : { success: result.success, failed: result.failed })
  })

  app.delete('/app/group/:id/devices', async (request) => groups.remove(userOf(request), params(request).id, dids(objectBody(request))))

  app.post('/app/group/:id/control', async (request) => {
    const uid = userOf(request)
    const body = objectBody(request)
    const attrs = body.attrs
    if (attrs === undefined && body.raw === undefined) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'give attrs or raw')
    if (attrs === undefined) {
      // Raw frames are accepted and not applied, as on /app/control/{did}.
      return groups.devices(uid, params(request).id).map((did) => ({ did, result: world.devices.get(did)?.online === true }))
    }
    if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs) || Object.keys(attrs).length === 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'attrs must be an object')
    return groups.control(uid, params(request).id, attrs as Record<string, AttrValue>)
  })

  // ---- scenes ----

  const taskJson = (uid: string, task: SceneTask) => {
    const group = task.group_id ? options.store.group(task.group_id) : undefined
    const productKey = task.did ? (world.devices.get(task.did)?.seed.product_key ?? '') : (group?.product_key ?? '')
    const binding = task.did ? world.bindings.get(uid, task.did) : undefined
    return {
      ...task,
      product_key: productKey,
      verbose_name: productKey ? (world.products.get(productKey)?.definition.name ?? '') : '',
      group_name: group?.group_name ?? '',
      dev_alias: binding?.dev_alias ?? '',
      dev_remark: binding?.remark ?? '',
    }
  }
  const sceneJson = (uid: string, row: SceneRow) => ({
    id: row.id, scene_name: row.scene_name, remark: row.remark, created_at: row.created_at, updated_at: row.updated_at,
    tasks: scenes.tasksOf(row).map((task) => taskJson(uid, task)),
  })
  const sceneFields = (uid: string, request: FastifyRequest) => {
    const body = objectBody(request)
    return { scene_name: name(body, 'scene_name'), remark: (optionalString(body, 'remark') ?? '').slice(0, 200), tasks: scenes.parseTasks(uid, body.tasks) }
  }

  app.get('/app/scene', async (request) => {
    const uid = userOf(request)
    return scenes.list(uid).map((row) => sceneJson(uid, row))
  })

  app.post('/app/scene', async (request, reply) => {
    const uid = userOf(request)
    return reply.status(201).send({ id: scenes.save(uid, null, sceneFields(uid, request)) })
  })

  // Seed 003 updates a scene with POST on its path (its list calls it put_app_scene_id); PUT is accepted too.
  const update = async (request: FastifyRequest) => {
    const uid = userOf(request)
    const { id } = params(request)
    scenes.own(uid, id)
    scenes.save(uid, id, sceneFields(uid, request))
    return {}
  }
  app.post('/app/scene/:id', update)
  app.put('/app/scene/:id', update)

  app.delete('/app/scene/:id', async (request) => {
    scenes.delete(userOf(request), params(request).id)
    return {}
  })

  app.post('/app/scene/:id/task', async (request) => {
    scenes.start(userOf(request), params(request).id)
    return {}
  })

  // Seed 003 answers `{status}`; `run` (each step's result) is the sandbox's addition.
  app.get('/app/scene/:id/task', async (request) => scenes.status(userOf(request), params(request).id))

  // Invented: the cloud keeps no history of runs that the Open API shows.
  app.get('/app/scene/:id/task/history', async (request) => {
    const limit = Number((request.query as Record<string, string | undefined>).limit ?? 10)
    if (!Number.isInteger(limit) || limit < 1) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'limit must be a positive whole number')
    return scenes.runs(userOf(request), params(request).id, limit)
  })

  return { groups, scenes }
}
