// The operator page, rendered here on the server: a small page of its own under /ops, not a route of the SPA, so not
// a byte of it (texts, layout, figures) is in the bundles users download, and every request for it passes the
// operator check first (ops-routes.ts). The figures are HTML made here with every value escaped; the page's one
// script (OPS_SCRIPT, served as /ops/ops.js under the same CSP as the app) swaps in a fresh panel every 3 seconds.
// Colours are the app's theme tokens (src/theme.css, served as /ops/theme.css), so a rebrand reaches it too.
import type { Locale } from '@shared/api'
import type { OpsFigures } from './figures'
import { opsText, type OpsTextKey } from './ops-text'

const escapeHtml = (text: string | number) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const STYLE = `
body { margin: 0; font-family: -apple-system, BlinkMacSystemFont, 'PingFang SC', 'Helvetica Neue', sans-serif; background: var(--van-background); color: var(--van-text-color); }
header { display: flex; align-items: center; gap: 12px; padding: 14px 16px; background: var(--van-background-2); border-bottom: 1px solid var(--van-border-color); }
header h1, form h1 { font-size: 18px; margin: 0; }
header p { margin: 2px 0 0; font-size: 12px; color: var(--van-text-color-2); }
header button { margin-left: auto; }
main { padding: 12px; max-width: 1280px; margin: 0 auto; }
#ops-panel { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); }
#ops-panel[data-stale] { opacity: 0.6; }
.stale { display: none; color: var(--app-warning); font-size: 13px; margin: 0 0 8px; }
#ops-panel[data-stale] + .stale, main:has(#ops-panel[data-stale]) .stale { display: block; }
section { background: var(--van-background-2); border-radius: 8px; padding: 12px 14px; box-shadow: var(--app-card-shadow); min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 15px; margin: 0 0 10px; }
.big { display: flex; gap: 8px 20px; flex-wrap: wrap; }
.big div { display: flex; flex-direction: column; }
.big b { font-size: 28px; font-variant-numeric: tabular-nums; }
.big span, .muted { font-size: 12px; color: var(--van-text-color-2); }
table { width: 100%; border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 6px 5px 0; border-bottom: 1px solid var(--van-border-color); white-space: nowrap; }
th { font-weight: normal; color: var(--van-text-color-2); }
td.n, th.n { text-align: right; }
.scroll { overflow-x: auto; }
.bars { display: grid; grid-template-columns: 3.2em 1fr 2.4em; gap: 3px 8px; align-items: center; font-size: 12px; font-variant-numeric: tabular-nums; }
.bar { display: flex; height: 10px; background: var(--van-gray-2); border-radius: 2px; overflow: hidden; }
.bar i { display: block; height: 100%; }
.k-sent { background: var(--app-chart); } .k-confirmed { background: var(--app-brand); } .k-failed { background: var(--app-danger); } .k-expired { background: var(--app-warning); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; margin-top: 8px; color: var(--van-text-color-2); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.ok { color: var(--app-brand); } .bad { color: var(--app-danger); } .warn { color: var(--app-warning); }
form { display: flex; flex-direction: column; gap: 10px; max-width: 360px; margin: 24px auto; background: var(--van-background-2); padding: 16px; border-radius: 8px; }
input { font: inherit; padding: 10px; border: 1px solid var(--van-border-color); border-radius: 6px; background: var(--van-background-2); color: var(--van-text-color); }
button { font: inherit; padding: 8px 14px; border: 0; border-radius: 6px; background: var(--app-brand); color: var(--app-on-color); cursor: pointer; }
button.plain { background: var(--van-gray-2); color: var(--van-text-color); }
a { color: var(--app-brand); }
.error { color: var(--app-danger); min-height: 1.2em; margin: 0; font-size: 13px; }
.center { max-width: 360px; margin: 24px auto; text-align: center; }
`

/** The page's only script: dark mode as the phone has it, the token form, sign-out, and the panel's refresh. */
export const OPS_SCRIPT = `(() => {
  const root = document.documentElement
  const dark = matchMedia('(prefers-color-scheme: dark)')
  const applyScheme = () => root.classList.toggle('van-theme-dark', dark.matches)
  applyScheme()
  dark.addEventListener('change', applyScheme)
  const json = { 'content-type': 'application/json' }
  const form = document.getElementById('ops-login')
  if (form) form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const error = document.getElementById('ops-login-error')
    error.textContent = ''
    try {
      const response = await fetch('/ops/login', { method: 'POST', headers: json, body: JSON.stringify({ token: form.elements.token.value }) })
      if (response.ok) return location.reload()
      error.textContent = (await response.json().catch(() => ({}))).message || String(response.status)
    } catch (failure) {
      error.textContent = String(failure)
    }
  })
  const logout = document.getElementById('ops-logout')
  if (logout) logout.addEventListener('click', async () => {
    await fetch('/ops/logout', { method: 'POST', headers: json, body: '{}' }).catch(() => {})
    location.reload()
  })
  const panel = document.getElementById('ops-panel')
  if (panel) setInterval(async () => {
    try {
      const response = await fetch('/ops/panel', { cache: 'no-store' })
      if (response.status === 401 || response.status === 403) return location.reload()
      if (!response.ok) throw new Error(String(response.status))
      panel.innerHTML = await response.text()
      panel.removeAttribute('data-stale')
    } catch {
      panel.setAttribute('data-stale', '')
    }
  }, 3000)
})()
`

function shell(locale: Locale, title: string, header: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/ops/theme.css">
<style>${STYLE}</style>
<script src="/ops/ops.js" defer></script>
</head>
<body>
${header}
<main>${body}</main>
</body>
</html>`
}

export function loginPage(locale: Locale, options: { token: boolean; openids: boolean }): string {
  const t = opsText(locale)
  const form = options.token
    ? `<form id="ops-login"><h1>${t('login_title')}</h1><label for="ops-token">${t('login_token')}</label>
<input id="ops-token" name="token" type="password" autocomplete="current-password" required maxlength="256">
<p class="error" id="ops-login-error" role="alert"></p><button type="submit">${t('login_submit')}</button></form>`
    : ''
  const wechat = options.openids ? `<p class="center"><a href="/auth/wechat/login?next=%2Fops">${t('login_wechat')}</a></p>` : ''
  return shell(locale, t('login_title'), '', form + wechat)
}

export function refusedPage(locale: Locale, message: string): string {
  const t = opsText(locale)
  return shell(locale, t('refused_title'), '', `<div class="center"><h1>${t('refused_title')}</h1><p>${escapeHtml(message)}</p><p><a href="/">${t('refused_back')}</a></p></div>`)
}

export function dashboardPage(locale: Locale, figures: OpsFigures, signOut: boolean): string {
  const t = opsText(locale)
  const header = `<header><div><h1>${t('title')}</h1><p>${t('subtitle')}</p></div>${signOut ? `<button id="ops-logout" class="plain" type="button">${t('logout')}</button>` : ''}</header>`
  return shell(locale, t('title'), header, `<div id="ops-panel" aria-live="off">${panel(locale, figures)}</div><p class="stale" role="status">${t('stale')}</p>`)
}

const number = (value: number) => escapeHtml(Math.round(value).toLocaleString('en-US'))
const STATES = ['sent', 'confirmed', 'failed', 'expired'] as const
/** China time, where the operators are. */
const clock = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(11, 16)

function codes(t: ReturnType<typeof opsText>, title: string, list: Record<string, number>): string {
  const rows = Object.entries(list).sort((a, b) => b[1] - a[1])
  const body = rows.length === 0 ? `<p class="muted">${t('errors_none')}</p>`
    : `<table><tr><th>${t('code')}</th><th class="n">${t('count')}</th></tr>${rows.map(([code, count]) => `<tr><td>${escapeHtml(code)}</td><td class="n">${number(count)}</td></tr>`).join('')}</table>`
  return `<h3 class="muted">${title}</h3>${body}`
}

/** The part of the page that is refreshed: every figure, escaped. */
export function panel(locale: Locale, figures: OpsFigures): string {
  const t = opsText(locale)
  const devices = figures.devices
  const deviceCard = `<section data-figure="devices"><h2>${t('devices')}</h2>${devices && devices.online24h > 0
    ? `<div class="big"><div><b data-value="online-now">${number(devices.onlineNow)}</b><span>${t('devices_now')}</span></div><div><b data-value="online-24h">${number(devices.online24h)}</b><span>${t('devices_24h')}</span></div></div>`
    : `<p class="muted">${t('devices_unknown')}</p>`}</section>`

  const minutes = figures.commands.perMinute
  const last = minutes[minutes.length - 1] ?? { sent: 0, confirmed: 0, failed: 0, expired: 0 }
  // A command is counted once per minute in its bar: sent (then confirmed, or not yet) or refused or expired unsent.
  const commandsIn = (row: typeof last) => row.sent + row.failed + row.expired
  const widest = Math.max(1, ...minutes.map(commandsIn))
  const bars = minutes.map((row) => {
    const sum = commandsIn(row)
    const confirmed = Math.min(row.confirmed, row.sent)
    const segments: Array<[string, number]> = [['confirmed', confirmed], ['sent', row.sent - confirmed], ['failed', row.failed], ['expired', row.expired]]
    const parts = segments.filter(([, count]) => count > 0).map(([state, count]) => `<i class="k-${state}" style="width:${((count / widest) * 100).toFixed(1)}%"></i>`).join('')
    return `<span>${clock(row.minute)}</span><span class="bar">${parts}</span><span>${number(sum)}</span>`
  }).join('')
  const commandCard = `<section class="wide" data-figure="commands"><h2>${t('commands')}</h2>
<div class="big">${STATES.map((state) => `<div><b data-value="commands-${state}">${number(last[state])}</b><span>${t(state)} · ${t('commands_last')}</span></div>`).join('')}</div>
<p class="muted">${t('commands_total')}: ${STATES.map((state) => `${t(state)} <span data-value="total-${state}">${number(figures.commands.total[state] ?? 0)}</span>`).join(' · ')}</p>
<div class="bars">${bars}</div>
<div class="legend">${STATES.map((state) => `<span><i class="k-${state}"></i>${t(state)}</span>`).join('')}</div></section>`

  const channels = ['template', 'subscribe', 'custom', 'wechat_digest', 'in_app_only', 'queued', 'failed'] as const
  const alertCard = `<section data-figure="alerts"><h2>${t('alerts')}</h2>
<div class="big"><div><b data-value="alerts-fired">${number(figures.alerts.fire ?? 0)}</b><span>${t('alerts_fired')}</span></div><div><b data-value="alerts-cleared">${number(figures.alerts.clear ?? 0)}</b><span>${t('alerts_cleared')}</span></div></div>
<h3 class="muted">${t('notices_by_channel')}</h3><table>${channels.map((channel) => `<tr><td>${t(`channel_${channel}` as OpsTextKey)}</td><td class="n" data-value="notices-${channel}">${number(figures.notices[channel] ?? 0)}</td></tr>`).join('')}</table></section>`

  const quota = figures.wechat.quota
  const quotaCard = `<section data-figure="quota"><h2>${t('quota')}</h2>${quota
    ? `<div class="big"><div><b data-value="quota-used">${number(quota.used)}</b><span>${t('quota_used')}</span></div><div><b data-value="quota-left" class="${quota.remain === 0 ? 'bad' : quota.remain < quota.daily_limit * 0.1 ? 'warn' : ''}">${number(quota.remain)}</b><span>${t('quota_left')}</span></div><div><b>${number(quota.daily_limit)}</b><span>${t('quota_limit')}</span></div></div>`
    : `<p class="muted">${t('quota_unknown')}</p>`}<p class="muted">${t('quota_sent_here')}: <span data-value="wechat-sent">${number(figures.wechat.sent)}</span></p></section>`

  const errorCard = `<section data-figure="errors"><h2>${t('errors')}</h2>${codes(t, t('errors_gizwits'), figures.errors.gizwits)}${codes(t, t('errors_wechat'), figures.errors.wechat)}</section>`

  const stream = figures.stream
  const lag = stream.lagSeconds
  const streamCard = `<section data-figure="stream"><h2>${t('stream')}</h2>${stream.workers === 0 ? `<p class="muted">${t('stream_none')}</p>`
    : `<div class="big"><div><b data-value="stream-lag" class="${lag !== null && lag > 60 ? 'bad' : lag !== null && lag > 5 ? 'warn' : ''}">${lag === null ? '–' : `${escapeHtml(lag.toFixed(1))} s`}</b><span>${t('stream_lag')}</span></div><div><b class="${stream.connected < stream.workers ? 'bad' : 'ok'}">${number(stream.connected)} / ${number(stream.workers)}</b><span>${t('stream_workers')}</span></div><div><b data-value="stream-events">${number(stream.events)}</b><span>${t('stream_events')}</span></div></div>`}</section>`

  const rows = figures.instances.map((instance) => `<tr><td>${escapeHtml(instance.id)}<br><span class="muted">${escapeHtml(instance.host)} · pid ${escapeHtml(instance.pid)}</span></td><td>${t(`role_${instance.role}` as OpsTextKey)}</td>
<td class="n" data-value="pages">${instance.connections ? number(instance.connections.pages) : '–'}</td><td class="n">${instance.connections ? number(instance.connections.cloudLinks) : '–'}</td>
<td>${instance.figures.worker ? `<span class="${instance.figures.snoti.connected ? 'ok' : 'bad'}">SNoti ${instance.figures.snoti.connected ? '●' : '○'}</span>` : ''}</td>
<td class="n">${number(instance.rssBytes / 1048576)} MB</td><td class="n">${t('seconds_ago', { n: Math.max(0, Math.round((figures.at - instance.at) / 1000)) })}</td></tr>`).join('')
  const instanceCard = `<section class="wide" data-figure="instances"><h2>${t('instances')} (${number(figures.instances.length)})</h2><div class="scroll"><table>
<tr><th>${t('instance')}</th><th>${t('role')}</th><th class="n">${t('pages')}</th><th class="n">${t('cloud_links')}</th><th></th><th class="n">${t('memory')}</th><th class="n">${t('heartbeat')}</th></tr>${rows}</table></div></section>`

  return deviceCard + quotaCard + streamCard + alertCard + errorCard + commandCard + instanceCard
}
