// What the BFF does with one verified push: handle it once (WeChat retries for 15 s), keep the event for the
// features that act on it, and answer at once with a passive reply or "success".
import type { PushStore, SignedNonce } from '../store/push-store'
import { GizwitsErrorCode } from '@shared/open-api'
import { ApiError } from '../errors'
import { BindErrorCode } from '../gizwits/binding-guard'
import { GizwitsApiError } from '../gizwits/open-api-client'
import { deviceFromDeviceId, deviceFromScene, type DeviceRef, type PushDeviceBinder } from './device-binding'
import { pushKey, textReply, type PushFields } from './push-xml'

export interface PushReplyContext {
  appUrl: string
  nowS: () => number
  /** The signature's timestamp and nonce, claimed with the push in one write so they sign one message only. */
  signed?: SignedNonce
}

/** The push's (timestamp, nonce) already signed another message: a leaked triple reused on a forged body. */
export class PushReplayError extends Error {}

const DEVICE_WORDS = /设备|控制|device|control/i
/** How long a scanned device's binding may take before the reply goes out without its outcome (WeChat waits 5 s). */
const BIND_REPLY_BUDGET_MS = 3000

type BindOutcome = { kind: 'bound'; name: string } | { kind: 'owner_exists' } | { kind: 'refused' } | { kind: 'limited' } | { kind: 'failed' } | { kind: 'pending' }

export class PushHandler {
  /** Work started by pushes after they were answered; tests wait on it. */
  readonly pending = new Set<Promise<void>>()

  constructor(
    readonly store: PushStore,
    private readonly binder: PushDeviceBinder,
    private readonly log: (message: string, error?: unknown) => void = () => {},
  ) {}

  /** Acknowledge first, work after: WeChat wants an answer within 5 s, and binding talks to the cloud. */
  private later(work: () => Promise<void>, what: string): void {
    const task = work().catch((error) => this.log(`push work failed: ${what}`, error)).finally(() => this.pending.delete(task))
    this.pending.add(task)
  }

  private bindLater(openid: string, device: DeviceRef): void {
    this.later(async () => void (await this.binder.bind(openid, device)), `bind ${device.mac} to ${openid}`)
  }

  /** Binds a scanned device, waiting long enough to tell the user how it went in the reply when the cloud is quick. */
  private async bindForReply(openid: string, device: DeviceRef): Promise<BindOutcome> {
    const outcome = this.binder.bind(openid, device).then(
      (bound): BindOutcome => ({ kind: 'bound', name: bound.dev_alias || bound.product_name || '设备' }),
      (error): BindOutcome => {
        if (error instanceof GizwitsApiError && error.code === GizwitsErrorCode.OWNER_EXISTS) return { kind: 'owner_exists' }
        if (error instanceof ApiError && error.code === BindErrorCode.REFUSED) return { kind: 'refused' }
        if (error instanceof ApiError && error.code === BindErrorCode.TOO_MANY_ATTEMPTS) return { kind: 'limited' }
        this.log(`push work failed: bind ${device.mac} to ${openid}`, error)
        return { kind: 'failed' }
      },
    )
    const tracked = outcome.then(() => undefined).finally(() => this.pending.delete(tracked))
    this.pending.add(tracked)
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<BindOutcome>((resolve) => (timer = setTimeout(() => resolve({ kind: 'pending' }), BIND_REPLY_BUDGET_MS)))
    return Promise.race([outcome, late]).finally(() => clearTimeout(timer))
  }

  private scannedText(outcome: BindOutcome, link: string): string {
    switch (outcome.kind) {
      case 'bound':
        return `已把“${outcome.name}”添加到你的设备，点这里查看和控制：${link}`
      case 'owner_exists':
        return `这台设备已经有主人了。请让主人在设备页点“分享”，把它分享给你；接受后它会出现在${link}里。`
      case 'refused':
        return `这个二维码不能用来添加设备（可能是旧版或不是本产品的码）。请在${link}里点“添加设备”，扫描设备上的标签，或在设备旁配网添加。`
      case 'limited':
        return `添加设备失败的次数太多，请过一会儿再试。`
      case 'failed':
        return `这台设备暂时没能添加，请稍后再扫一次，或在${link}里点“扫一扫”。`
      default:
        return `正在为你绑定扫到的设备，稍后点这里查看：${link}`
    }
  }

  /** The passive reply (XML) or null for "success". A retry of a handled push returns null and does nothing. */
  async handle(push: PushFields, context: PushReplyContext): Promise<string | null> {
    const recorded = await this.store.record(context.signed ?? null, {
      key: pushKey(push), openid: push.FromUserName ?? '', msgType: push.MsgType ?? '', event: push.Event ?? null, eventKey: push.EventKey ?? null,
      payload: JSON.stringify(push), receivedAt: context.nowS(),
    })
    if (recorded === 'replayed') throw new PushReplayError('timestamp and nonce already signed another message')
    if (recorded === 'retry') return null
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
    const outcome = scanned ? this.scannedText(await this.bindForReply(openid, scanned), link) : null
    if (push.MsgType === 'event' && push.Event === 'subscribe') {
      return textReply(push, `欢迎关注！${outcome ?? `点这里打开你的设备：${link}`}`, context.nowS())
    }
    if (outcome) return textReply(push, outcome, context.nowS())
    return null
  }
}
