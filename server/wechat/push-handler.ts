// What the BFF does with one verified push: handle it once (WeChat retries for 15 s), keep the event for the
// features that act on it, and answer at once with a passive reply or "success".
import type Database from 'better-sqlite3'
import { deviceFromDeviceId, deviceFromScene, type DeviceRef, type PushDeviceBinder } from './device-binding'
import { pushKey, textReply, type PushFields } from './push-xml'

export interface PushReplyContext { appUrl: string; nowS: () => number }

const DEVICE_WORDS = /设备|控制|device|control/i

export class PushHandler {
  /** Work started by pushes after they were answered; tests wait on it. */
  readonly pending = new Set<Promise<void>>()

  constructor(
    private readonly db: Database.Database,
    private readonly binder: PushDeviceBinder,
    private readonly log: (message: string, error?: unknown) => void = () => {},
  ) {}

  /** Acknowledge first, work after: WeChat wants an answer within 5 s, and binding talks to the cloud. */
  private later(work: () => Promise<void>, what: string): void {
    const task = work().catch((error) => this.log(`push work failed: ${what}`, error)).finally(() => this.pending.delete(task))
    this.pending.add(task)
  }

  private bindLater(openid: string, device: DeviceRef): void {
    this.later(() => this.binder.bind(openid, device), `bind ${device.mac} to ${openid}`)
  }

  /** The passive reply (XML) or null for "success". A retry of a handled push returns null and does nothing. */
  handle(push: PushFields, context: PushReplyContext): string | null {
    const fresh = this.db.prepare('INSERT OR IGNORE INTO wechat_push_seen (key, received_at) VALUES (?, ?)').run(pushKey(push), context.nowS()).changes > 0
    if (!fresh) return null
    this.db
      .prepare('INSERT INTO wechat_events (openid, msg_type, event, event_key, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(push.FromUserName ?? '', push.MsgType ?? '', push.Event ?? null, push.EventKey ?? null, JSON.stringify(push), context.nowS())
    const link = `<a href="${context.appUrl}/">我的设备</a>`
    if (push.MsgType === 'text') {
      const reply = DEVICE_WORDS.test(push.Content ?? '') ? `点这里查看和控制你的设备：${link}` : `回复“设备”打开你的设备，或点菜单“${'我的设备'}”。`
      return textReply(push, reply, context.nowS())
    }
    if (push.MsgType === 'event' && push.Event === 'CLICK' && push.EventKey === 'HELP') {
      return textReply(push, `点菜单“我的设备”查看和控制设备；“添加设备”里可以扫码绑定或给新设备配网。也可以直接回复“设备”。${link}`, context.nowS())
    }
    const openid = push.FromUserName ?? ''
    if (push.MsgType === 'device_event') {
      const device = deviceFromDeviceId(push.DeviceID)
      if (device && push.Event === 'bind') this.bindLater(push.OpenID || openid, device)
      if (device && push.Event === 'unbind') this.later(() => this.binder.unbind(push.OpenID || openid, device), `unbind ${device.mac}`)
      return null
    }
    const scanned = push.MsgType === 'event' && (push.Event === 'subscribe' || push.Event === 'SCAN') ? deviceFromScene(push.EventKey) : null
    if (scanned) this.bindLater(openid, scanned)
    if (push.MsgType === 'event' && push.Event === 'subscribe') {
      return textReply(push, `欢迎关注！${scanned ? '正在为你绑定扫到的设备，' : ''}点这里打开你的设备：${link}`, context.nowS())
    }
    if (scanned) return textReply(push, `正在为你绑定扫到的设备，点这里查看：${link}`, context.nowS())
    return null
  }
}
