// The sandbox's own control surface for tests and demos (its port only): look at the world and change it by hand.
import type { FastifyInstance } from 'fastify'
import type { Attrs } from '@shared/open-api'
import { deviceLabelUrl } from '@shared/device-label'
import { labelSvg } from '../labels/label-render'
import { labelSignature } from '../labels/label-signature'
import { deviceRandomCode } from './device-register'
import { rejectValue } from './device-rules'
import { qrServiceContent } from './qr-service'
import type { GizwitsWs } from './gizwits-ws'
import type { World } from './world'

/**
 * Sandbox time on the demo page, with buttons that move it on (POST /sandbox/clock): a weekly schedule can be shown
 * firing without waiting a week. Everything due in between fires, in order, before the answer comes back.
 */
const CLOCK_BAR = `<p data-sandbox-clock style="text-align:center">沙箱时间 <b id="sbx-now">…</b>
<button data-advance="3600">+1 小时</button> <button data-advance="86400">+1 天</button> <button data-advance="604800">+1 周</button></p>
<script>
const show = (body) => { document.getElementById('sbx-now').textContent = new Date(body.now * 1000).toLocaleString() }
fetch('/sandbox/clock').then((r) => r.json()).then(show)
for (const button of document.querySelectorAll('[data-advance]')) button.addEventListener('click', () =>
  fetch('/sandbox/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_s: Number(button.dataset.advance) }) }).then((r) => r.json()).then(show))
</script>`

/** How long a device that just joined the Wi-Fi hands its passcode to the phone's LAN discovery. */
const LAN_BINDING_WINDOW_MS = 10 * 60_000

export async function controlSurface(app: FastifyInstance, options: { world: World; ws: () => GizwitsWs; appUrl: () => string | null; labelKey: string | null }): Promise<void> {
  const { world } = options
  // The label the vendor's production line printed on a device: signed with the vendor's label key, as
  // `npm run labels` does. Without a key (or before the app's origin is known) devices carry no label of ours.
  const labelUrl = (device: { seed: { product_key: string; mac: string } }): string | null => {
    const appUrl = options.appUrl()
    if (!appUrl || !options.labelKey) return null
    return deviceLabelUrl(appUrl, device.seed.product_key, device.seed.mac, labelSignature(options.labelKey, device.seed.product_key, device.seed.mac))
  }
  const notFound = (did: string) => ({ error: 'device_not_found', message: `no sandbox device ${did}; see GET /sandbox/devices` })

  app.get('/sandbox/products', async () =>
    [...world.products.values()].map((p) => ({ product_key: p.definition.product_key, product_secret: p.secret, name: p.definition.name })),
  )

  app.get('/sandbox/devices', async () =>
    [...world.devices.values()].map((d) => ({ did: d.seed.did, mac: d.seed.mac, product_key: d.seed.product_key, passcode: d.seed.passcode, online: d.online })),
  )

  // What may be printed on each device: our label URL (when the app's origin is known), the Gizwits app's QR form
  // (`http://www.gizwits.com?product_key=…&did=…&passcode=…`, which Gizwits' apps parse) and the QR service's opaque
  // code, for the scanner stand-in and the demo page.
  app.get('/sandbox/devices/labels', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*')
    return [...world.devices.values()].map((d) => ({
      did: d.seed.did,
      mac: d.seed.mac,
      product_key: d.seed.product_key,
      online: d.online,
      bound: world.bindings.usersBoundTo(d.seed.did).length > 0,
      name: d.product.definition.name,
      label_url: labelUrl(d),
      qr_content: `http://www.gizwits.com?product_key=${d.seed.product_key}&did=${d.seed.did}&passcode=${d.seed.passcode}`,
      qr_service_content: qrServiceContent(d.seed.did),
    }))
  })

  // Each virtual device's printed label, as the production line's labels CLI draws it.
  app.get('/sandbox/devices/:did/label.svg', async (request, reply) => {
    const { did } = request.params as { did: string }
    const device = world.devices.get(did)
    if (!device) return reply.status(404).send(notFound(did))
    const url = labelUrl(device)
    if (!url) return reply.status(409).send({ error: 'no_label', message: 'the app origin or the label key is not known yet' })
    reply.type('image/svg+xml').header('cache-control', 'no-cache')
    return labelSvg({ url, mac: device.seed.mac, productName: device.product.definition.name })
  })

  // The virtual devices with their labels: scanning one with WeChat's own scanner opens the label URL.
  app.get('/sandbox/labels', async (_request, reply) => {
    const cards = [...world.devices.values()].map((d) => {
      const url = labelUrl(d) ?? ''
      const state = `${d.online ? '在线' : '离线'} · ${world.bindings.usersBoundTo(d.seed.did).length > 0 ? '已绑定' : '未绑定'}`
      // A sub-device has a pairing button instead of Wi-Fi: pressing it joins the gateway whose window is open.
      const pair = d.product.kind === 'sub_dev' ? `<br><button type="button" data-pair="${d.seed.did}" onclick="pair(this)">配对</button>` : ''
      return `<figure data-label="${d.seed.did}"><img src="/sandbox/devices/${d.seed.did}/label.svg" alt="${d.seed.mac}" width="150"><figcaption>${d.product.definition.name}<br><small>${state}</small><br>${url ? `<a href="${url}">用微信扫一扫打开</a>` : ''}${pair}</figcaption></figure>`
    })
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>设备标签（沙箱）</title>
<style>body{margin:0;padding:12px;font:14px/1.5 -apple-system,"PingFang SC","WenQuanYi Micro Hei",sans-serif;background:#f7f8fa}h1{font-size:16px;text-align:center}main{display:flex;flex-wrap:wrap;gap:12px;justify-content:center}figure{margin:0;padding:12px;background:#fff;border-radius:12px;text-align:center}small{color:#969799}a{color:#07c160}</style></head>
<body><h1>沙箱里的虚拟设备和它们的标签</h1>${CLOCK_BAR}<main>${cards.join('')}</main>
<script>async function pair(button){const r=await fetch('/sandbox/devices/'+button.dataset.pair+'/pair',{method:'POST',headers:{'content-type':'text/plain'},body:'{}'});button.textContent=r.ok?'已加入网关':'没有网关在等待配对';}</script></body></html>`)
  })

  // AirKiss as the phone does it: the chosen device in pairing mode joins the Wi-Fi and comes online. A 5 GHz
  // network or an empty password fails, as it does with real modules. Posted as text/plain (no CORS preflight).
  // `phone` names the browser acting as the phone (the bridge keeps a random id): the device joins that phone's LAN.
  const joinedLan = new Map<string, { phone: string; at: number }>()
  app.post('/sandbox/wechat/airkiss', async (request, reply) => {
    reply.header('access-control-allow-origin', '*')
    let input: { did?: string; ssid?: string; password?: string; phone?: string } = {}
    try {
      input = typeof request.body === 'string' ? JSON.parse(request.body) : (request.body as typeof input) ?? {}
    } catch {
      return reply.status(400).send({ ok: false, reason: 'bad_request' })
    }
    const device = input.did ? world.devices.get(input.did) : undefined
    if (!device) return reply.status(404).send({ ok: false, reason: 'no_device' })
    if (!input.ssid || /5g/i.test(input.ssid)) return { ok: false, reason: 'wifi_5ghz_or_missing' }
    if (!input.password || input.password.length < 8) return { ok: false, reason: 'wrong_password' }
    await new Promise((resolve) => setTimeout(resolve, 300))
    world.devices.setOnline(device.seed.did, true)
    // The device registers with the cloud from the new network: apps that know the SSID and password find it
    // through GET /app/device_register.
    world.devices.registerOnWifi(device.seed.did, deviceRandomCode(input.ssid, input.password, device.seed.product_key))
    joinedLan.set(device.seed.did, { phone: typeof input.phone === 'string' ? input.phone.slice(0, 64) : '', at: Date.now() })
    return { ok: true, did: device.seed.did }
  })
  // WeChat's LAN discovery as our devices answer it: a device that just joined the Wi-Fi is in binding mode for
  // LAN_BINDING_WINDOW_MS and puts its did and passcode in the discovery answer (as Gizwits' modules hand their
  // passcode to the app on the LAN after configuration); after that it answers with its MAC only.
  app.get('/sandbox/wechat/lan-devices', async (request, reply) => {
    reply.header('access-control-allow-origin', '*')
    const phone = String((request.query as { phone?: string }).phone ?? '')
    const now = Date.now()
    return [...joinedLan]
      .filter(([, joined]) => joined.phone === phone)
      .map(([did, joined]) => ({ device: world.devices.get(did)!, binding: now - joined.at < LAN_BINDING_WINDOW_MS }))
      .filter(({ device }) => device.online)
      .map(({ device, binding }) => ({
        did: device.seed.did, mac: device.seed.mac, product_key: device.seed.product_key,
        ...(binding ? { passcode: device.seed.passcode } : {}),
      }))
  })

  app.post('/sandbox/devices/:did/report', async (request, reply) => {
    const { did } = request.params as { did: string }
    const device = world.devices.get(did)
    if (!device) return reply.status(404).send(notFound(did))
    const attrs = (request.body as { attrs?: unknown } | undefined)?.attrs
    if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs) || Object.keys(attrs).length === 0) {
      return reply.status(400).send({ error: 'bad_attrs', message: 'body must be {"attrs":{name: value, ...}} in display values' })
    }
    for (const [name, value] of Object.entries(attrs)) {
      const attr = device.product.attrs.find((candidate) => candidate.name === name)
      const problem = attr ? rejectValue(attr, value, 'ws') : `unknown datapoint ${name}`
      if (problem) return reply.status(400).send({ error: 'bad_attrs', message: problem })
    }
    if (!device.online) return reply.status(409).send({ error: 'device_offline', message: 'an offline device cannot report; bring it online first' })
    world.devices.report(did, attrs as Attrs)
    return { did, attrs: device.attrs }
  })

  app.post('/sandbox/devices/:did/online', async (request, reply) => {
    const { did } = request.params as { did: string }
    if (!world.devices.has(did)) return reply.status(404).send(notFound(did))
    const online = (request.body as { online?: unknown } | undefined)?.online
    if (typeof online !== 'boolean') return reply.status(400).send({ error: 'bad_online', message: 'body must be {"online": true|false}' })
    world.devices.setOnline(did, online)
    return { did, online }
  })

  app.post('/sandbox/clock', async (request, reply) => {
    const advance = (request.body as { advance_s?: unknown } | undefined)?.advance_s
    if (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0) return reply.status(400).send({ error: 'bad_advance', message: 'body must be {"advance_s": seconds ≥ 0}' })
    world.clock.advance(advance)
    return { now: world.clock.nowS(), iso: new Date(world.clock.nowMs()).toISOString() }
  })
  app.get('/sandbox/clock', async () => ({ now: world.clock.nowS(), iso: new Date(world.clock.nowMs()).toISOString(), offset_s: Math.round((world.clock.nowMs() - Date.now()) / 1000) }))

  app.post('/sandbox/ws/kick', async (request, reply) => {
    const uid = (request.body as { uid?: unknown } | undefined)?.uid
    if (typeof uid !== 'string' || !uid) return reply.status(400).send({ error: 'bad_uid', message: 'body must be {"uid": "..."}' })
    return { uid, sockets: options.ws().kick(uid) }
  })
}
