// Device groups and user scenes (seed 003 设备分组, 用户场景): the cloud's shapes, which the BFF mirrors under /api/app.
// Scene task attrs are in the page's form here (enums by name, binary as hex, like a single control); the BFF turns
// them into the scene wire (enum index, base64) and back. Per-step results and the run history are the sandbox's
// additions (server/sandbox/README.md, "Invented").
import { Type, type Static } from 'typebox'
import { AttrValue } from './device-data'

/** A group or scene id as the cloud makes them (a 24-hex ObjectId today); bounded so nothing odd goes upstream. */
export const CLOUD_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$'
/** Seed 003: a delay task waits at most 3600 s. */
export const SCENE_MAX_DELAY_S = 3600
export const SCENE_MAX_TASKS = 50
export const AUTOMATION_NAME_MAX = 32

/** Seed 003 查询场景任务执行状态. */
export const SceneRunStatus = { RUNNING: 0, DONE: 1, FAILED: 2, IDLE: 3 } as const

export const Group = Type.Object({
  id: Type.String(),
  group_name: Type.String(),
  /** '' for a group of several products (only a single-product group can be controlled). */
  product_key: Type.String(),
  verbose_name: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
})
export type Group = Static<typeof Group>

export const GroupDevice = Type.Object({
  did: Type.String(),
  type: Type.String(),
  product_key: Type.String(),
  verbose_name: Type.String(),
  dev_alias: Type.String(),
})
export type GroupDevice = Static<typeof GroupDevice>

export const GroupCreateBody = Type.Object({
  group_name: Type.String({ minLength: 1, maxLength: AUTOMATION_NAME_MAX }),
  product_key: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$' })),
}, { additionalProperties: false })
export type GroupCreateBody = Static<typeof GroupCreateBody>

export const GroupRenameBody = Type.Object({ group_name: Type.String({ minLength: 1, maxLength: AUTOMATION_NAME_MAX }) }, { additionalProperties: false })

export const GroupDidsBody = Type.Object({ dids: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), { minItems: 1, maxItems: 50 }) }, { additionalProperties: false })
export type GroupDidsBody = Static<typeof GroupDidsBody>

export const GroupDevicesResult = Type.Object({
  success: Type.Array(Type.String()),
  failed: Type.Array(Type.String()),
  detail: Type.Optional(Type.Array(Type.Object({ did: Type.String(), error_code: Type.Number(), error_message: Type.String(), detail_msg: Type.Union([Type.String(), Type.Null()]) }))),
})
export type GroupDevicesResult = Static<typeof GroupDevicesResult>

/** Seed 003's `{did, result}`; `error_code`/`error_message` say why not (the sandbox's addition: 9042 offline…). */
export const DeviceOutcome = Type.Object({
  did: Type.String(),
  result: Type.Boolean(),
  error_code: Type.Optional(Type.Number()),
  error_message: Type.Optional(Type.String()),
})
export type DeviceOutcome = Static<typeof DeviceOutcome>
export const GroupControlResult = Type.Array(DeviceOutcome)

export const SceneTaskType = Type.Union([Type.Literal('delay'), Type.Literal('device'), Type.Literal('group')])

/** A task as the page sends it (seed 003's create fields, inside `tasks` as real clients post them). */
export const SceneTaskInput = Type.Object({
  task_type: SceneTaskType,
  did: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{0,64}$' })),
  group_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{0,64}$' })),
  attrs: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), AttrValue, { maxProperties: 64 })),
  time: Type.Optional(Type.Integer({ minimum: 0, maximum: SCENE_MAX_DELAY_S })),
}, { additionalProperties: false })
export type SceneTaskInput = Static<typeof SceneTaskInput>

export const SceneSaveBody = Type.Object({
  scene_name: Type.String({ minLength: 1, maxLength: AUTOMATION_NAME_MAX }),
  remark: Type.Optional(Type.String({ maxLength: 200 })),
  tasks: Type.Array(SceneTaskInput, { minItems: 1, maxItems: SCENE_MAX_TASKS }),
}, { additionalProperties: false })
export type SceneSaveBody = Static<typeof SceneSaveBody>

export const SceneTask = Type.Object({
  task_type: SceneTaskType,
  did: Type.String(),
  group_id: Type.String(),
  attrs: Type.Record(Type.String(), AttrValue),
  raw: Type.String(),
  time: Type.Number(),
  product_key: Type.String(),
  verbose_name: Type.String(),
  group_name: Type.String(),
  dev_alias: Type.String(),
  dev_remark: Type.String(),
})
export type SceneTask = Static<typeof SceneTask>

export const Scene = Type.Object({
  id: Type.String(),
  scene_name: Type.String(),
  remark: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  tasks: Type.Array(SceneTask),
})
export type Scene = Static<typeof Scene>

export const SceneStep = Type.Object({
  index: Type.Integer(),
  task_type: SceneTaskType,
  status: Type.Union([Type.Literal('idle'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  started_at: Type.Union([Type.String(), Type.Null()]),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  results: Type.Array(DeviceOutcome),
})
export type SceneStep = Static<typeof SceneStep>

export const SceneRun = Type.Object({
  id: Type.Integer(),
  status: Type.Integer(),
  started_at: Type.String(),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  steps: Type.Array(SceneStep),
})
export type SceneRun = Static<typeof SceneRun>

/** Seed 003's `{status}` (0 running, 1 done, 2 failed, 3 not running) and, from the sandbox, the latest run's steps. */
export const SceneTaskStatus = Type.Object({ status: Type.Integer(), run: Type.Optional(Type.Union([SceneRun, Type.Null()])) })
export type SceneTaskStatus = Static<typeof SceneTaskStatus>

export const SceneRunHistory = Type.Array(SceneRun)
