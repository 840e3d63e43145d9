// Device groups and user scenes under /api/app (seed 003 设备分组, 用户场景): the cloud's paths and shapes with the
// user's token. Before anything is forwarded: each device is one of the user's bindings; a device the user only
// holds as a guest (or a normal user) cannot be put in a group or a scene, nor a scene touching one changed or
// deleted, though such a scene may still be run; every value of a group control or a scene step is checked against
// the product's datapoint definition exactly as a single control is (gizwits/datapoint-check.ts), so a bad scene is
// refused when it is saved, not when it runs. Each device's command of a group control, and each device's step of
// a scene run (when its status is read), goes to the command journal with its path and outcome
// (relay/command-paths.ts), so it shows in the device's log.
import { Type, type Static } from 'typebox'
import {
  CLOUD_ID_PATTERN, EmptyObject, SCENE_MAX_DELAY_S, SCENE_MAX_TASKS, Group, GroupControlResult, GroupCreateBody, GroupDevice, GroupDevicesResult, GroupDidsBody, GroupRenameBody,
  Scene, SceneRunHistory, SceneSaveBody, SceneTaskInput, SceneTaskStatus, GizwitsErrorCode, type AttrValue, type BoundDevice,
} from '@shared/open-api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { AutomationClient, type SceneTaskWire } from '../gizwits/automation-client'
import { assertWritable } from '../gizwits/datapoint-check'
import { GizwitsApiError } from '../gizwits/open-api-client'
import { fromSceneWire, toSceneWire } from '../gizwits/scene-wire'
import { CommandPaths } from '../relay/command-paths'
import { errorResponses, PageAttrs, type RouteScope } from './route-schemas'

const errors = errorResponses
const Id = Type.Object({ id: Type.String({ pattern: CLOUD_ID_PATTERN }) }, { additionalProperties: false })
const HistoryQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })) }, { additionalProperties: false })
const GroupControlBody = Type.Object({ attrs: PageAttrs }, { additionalProperties: false })
// The shared task shape, with the page's bounded values (route-schemas.ts) for its attrs.
const SceneBody = Type.Object({
  ...SceneSaveBody.properties,
  tasks: Type.Array(Type.Object({ ...SceneTaskInput.properties, attrs: Type.Optional(PageAttrs) }, { additionalProperties: false }), { minItems: 1, maxItems: SCENE_MAX_TASKS }),
}, { additionalProperties: false })

/** Seed 003's roles that may set up automation on a device: its owner, or the first binder of a product without sharing. */
const MAY_AUTOMATE: ReadonlySet<string> = new Set(['owner', 'special'])

/** The cloud's own not-found answers for groups and scenes, as the user's readable 404. */
const CLOUD_NOT_FOUND: Record<number, 'group_not_found' | 'scene_not_found'> = {
  9230: 'group_not_found',
  9220: 'scene_not_found',
  9221: 'scene_not_found',
}

export async function automationRoutes(app: RouteScope, context: Context): Promise<void> {
  const { access, accounts } = context
  const cloud = new AutomationClient(context.client)
  const journal = new CommandPaths(context.commands, (error) => console.warn(`command journal: ${(error as Error).message}`))

  /** Calls the cloud with the user's token; a group or scene that is not (or not the user's) becomes a readable 404. */
  const withToken = async <T>(openid: string, call: (token: string) => Promise<T>): Promise<T> => {
    try {
      return await accounts.withToken(openid, call)
    } catch (error) {
      if (error instanceof GizwitsApiError && CLOUD_NOT_FOUND[error.code]) throw new ApiError(404, error.code, CLOUD_NOT_FOUND[error.code])
      throw error
    }
  }

  const mayAutomate = (device: BoundDevice) => {
    if (!MAY_AUTOMATE.has(device.role ?? '')) throw new ApiError(403, GizwitsErrorCode.NOT_OWNER, 'automation_guest', { name: device.dev_alias || device.product_name || device.did })
  }

  const groupOf = async (openid: string, id: string) => {
    const group = (await withToken(openid, (token) => cloud.groups(token))).find((candidate) => candidate.id === id)
    if (!group) throw new ApiError(404, 'group_not_found', 'group_not_found')
    return group
  }

  /** A group control's or a group step's values, judged by the group's product as a single control is. */
  const checkGroupValues = async (openid: string, id: string, values: Record<string, AttrValue>) => {
    const group = await groupOf(openid, id)
    if (!group.product_key) throw new ApiError(400, GizwitsErrorCode.FORM_INVALID, 'group_mixed_products')
    const { attrs } = await access.product(group.product_key)
    assertWritable(attrs, values, 'hex')
    return attrs
  }

  // ---- groups ----

  app.get('/api/app/group', { schema: { response: { 200: Type.Array(Group), ...errors } } }, async (request) => withToken(request.openid, (token) => cloud.groups(token)))

  app.post('/api/app/group', { schema: { body: GroupCreateBody, response: { 201: Type.Object({ id: Type.String() }), ...errors } } }, async (request, reply) => {
    const { openid, body } = request
    if (body.product_key && !(await access.mayReadProduct(openid, body.product_key))) throw new ApiError(404, 'product_not_allowed', 'product_not_allowed')
    return reply.status(201).send(await withToken(openid, (token) => cloud.createGroup(token, body)))
  })

  app.put('/api/app/group/:id', { schema: { params: Id, body: GroupRenameBody, response: { 200: EmptyObject, ...errors } } }, async (request) =>
    withToken(request.openid, (token) => cloud.renameGroup(token, request.params.id, request.body.group_name)))

  app.delete('/api/app/group/:id', { schema: { params: Id, response: { 200: EmptyObject, ...errors } } }, async (request) =>
    withToken(request.openid, (token) => cloud.deleteGroup(token, request.params.id)))

  app.get('/api/app/group/:id/devices', { schema: { params: Id, response: { 200: Type.Array(GroupDevice), ...errors } } }, async (request) =>
    withToken(request.openid, (token) => cloud.groupDevices(token, request.params.id)))

  app.post('/api/app/group/:id/devices', { schema: { params: Id, body: GroupDidsBody, response: { 201: GroupDevicesResult, ...errors } } }, async (request, reply) => {
    const { openid } = request
    for (const did of request.body.dids) mayAutomate(await access.boundDevice(openid, did))
    return reply.status(201).send(await withToken(openid, (token) => cloud.addToGroup(token, request.params.id, request.body.dids)))
  })

  app.delete('/api/app/group/:id/devices', { schema: { params: Id, body: GroupDidsBody, response: { 200: GroupDevicesResult, ...errors } } }, async (request) =>
    withToken(request.openid, (token) => cloud.removeFromGroup(token, request.params.id, request.body.dids)))

  app.post('/api/app/group/:id/control', { schema: { params: Id, body: GroupControlBody, response: { 200: GroupControlResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { id } = request.params
    await checkGroupValues(openid, id, request.body.attrs)
    const members = await withToken(openid, (token) => cloud.groupDevices(token, id))
    return journal.group(openid, members.map((member) => member.did), request.body.attrs, () => withToken(openid, (token) => cloud.controlGroup(token, id, request.body.attrs)))
  })

  // ---- scenes ----

  /** Checks every task as a control (and the user's role on each device) and gives the scene wire to store. */
  const sceneWire = async (openid: string, tasks: Static<typeof SceneBody>['tasks']): Promise<SceneTaskWire[]> => {
    const wire: SceneTaskWire[] = []
    for (const task of tasks) {
      if (task.task_type === 'delay') {
        if (!task.time || task.time < 1) throw new ApiError(400, GizwitsErrorCode.FORM_INVALID, 'scene_delay_range', { max: SCENE_MAX_DELAY_S })
        wire.push({ task_type: 'delay', time: task.time })
        continue
      }
      if (!task.attrs) throw new ApiError(400, GizwitsErrorCode.FORM_INVALID, 'scene_step_empty')
      if (task.task_type === 'device') {
        const device = await access.boundDevice(openid, task.did ?? '')
        mayAutomate(device)
        const { attrs } = await access.product(device.product_key)
        assertWritable(attrs, task.attrs, 'hex')
        wire.push({ task_type: 'device', did: device.did, attrs: toSceneWire(attrs, task.attrs) })
      } else {
        const attrs = await checkGroupValues(openid, task.group_id ?? '', task.attrs)
        wire.push({ task_type: 'group', group_id: task.group_id, attrs: toSceneWire(attrs, task.attrs) })
      }
    }
    return wire
  }

  /** A scene already saved may be changed or deleted only by someone who could have saved it. */
  const mayChangeScene = async (openid: string, id: string) => {
    const scene = (await withToken(openid, (token) => cloud.scenes(token))).find((candidate) => candidate.id === id)
    if (!scene) throw new ApiError(404, 'scene_not_found', 'scene_not_found')
    for (const task of scene.tasks) if (task.task_type === 'device' && task.did) mayAutomate(await access.boundDevice(openid, task.did))
  }

  app.get('/api/app/scene', { schema: { response: { 200: Type.Array(Scene), ...errors } } }, async (request) => {
    const scenes = await withToken(request.openid, (token) => cloud.scenes(token))
    for (const scene of scenes) {
      for (const task of scene.tasks) if (task.product_key && task.attrs) task.attrs = fromSceneWire((await access.product(task.product_key)).attrs, task.attrs)
    }
    return scenes
  })

  app.post('/api/app/scene', { schema: { body: SceneBody, response: { 201: Type.Object({ id: Type.String() }), ...errors } } }, async (request, reply) => {
    const { openid, body } = request
    const tasks = await sceneWire(openid, body.tasks)
    return reply.status(201).send(await withToken(openid, (token) => cloud.createScene(token, { scene_name: body.scene_name, remark: body.remark ?? '', tasks })))
  })

  app.post('/api/app/scene/:id', { schema: { params: Id, body: SceneBody, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const { openid, body } = request
    await mayChangeScene(openid, request.params.id)
    const tasks = await sceneWire(openid, body.tasks)
    return withToken(openid, (token) => cloud.updateScene(token, request.params.id, { scene_name: body.scene_name, remark: body.remark ?? '', tasks }))
  })

  app.delete('/api/app/scene/:id', { schema: { params: Id, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    await mayChangeScene(request.openid, request.params.id)
    return withToken(request.openid, (token) => cloud.deleteScene(token, request.params.id))
  })

  app.post('/api/app/scene/:id/task', { schema: { params: Id, response: { 200: EmptyObject, ...errors } } }, async (request) =>
    withToken(request.openid, (token) => cloud.runScene(token, request.params.id)))

  // The cloud runs the scene; its steps reach the journal as the page reads them here (each once).
  app.get('/api/app/scene/:id/task', { schema: { params: Id, response: { 200: SceneTaskStatus, ...errors } } }, async (request) => {
    const { openid } = request
    const { id } = request.params
    const status = await withToken(openid, (token) => cloud.sceneStatus(token, id))
    if (status.run) {
      let tasks: Scene['tasks'] | null = null
      await journal.sceneRun(openid, id, status.run, async (index) => {
        tasks ??= (await withToken(openid, (token) => cloud.scenes(token))).find((scene) => scene.id === id)?.tasks ?? []
        const task = tasks[index]
        return task?.attrs && task.product_key ? fromSceneWire((await access.product(task.product_key)).attrs, task.attrs) : {}
      })
    }
    return status
  })

  app.get('/api/app/scene/:id/task/history', { schema: { params: Id, querystring: HistoryQuery, response: { 200: SceneRunHistory, ...errors } } }, async (request) =>
    withToken(request.openid, (token) => cloud.sceneHistory(token, request.params.id, request.query.limit ?? 10)))
}
