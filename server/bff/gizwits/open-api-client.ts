// A typed client for the Gizwits Open API paths the product uses. The same code talks to the real cloud and to
// the sandbox; only the base URL differs.
import { createHash } from 'node:crypto'
import type {
  BindingsCreateBody, BindingsCreateResult, BindingsQuery, BindingsResponse, BindingUpdateBody, BindingUpdateResult, BindLatestBody,
  AggData, BindMacBody, BoundDevice, ControlBody, DevdataLatest, GizwitsErrorBody, Guest, MessageList, MessagesQuery, ProductDefinition,
  SharingCodeInfo, SharingCreateBody, SharingCreated, SharingIdResult, SharingList, SharingQuery, UnbindResult, UserToken,
} from '@shared/open-api'
import { countGizwitsError } from '../ops/metrics'
import type { OtaInfo, OtaStartBody, OtaStarted, PairingBody, PairingOpened, SubDeviceList } from '@shared/open-api/gateway'

export class GizwitsApiError extends Error {
  constructor(readonly status: number, readonly body: GizwitsErrorBody) {
    super(`Gizwits ${status} ${body.error_code} ${body.error_message}`)
  }

  get code(): number {
    return this.body.error_code
  }
}

/** The cloud could not be reached or answered with something that is not the Open API. */
export class GizwitsUnavailableError extends Error {}

export interface OpenApiClientOptions { apiBase: string; appId: string; timeoutMs?: number }

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

const queryString = (query: object) =>
  new URLSearchParams(Object.entries(query).filter(([, value]) => value !== undefined).map(([key, value]): [string, string] => [key, String(value)])).toString()
const seg = encodeURIComponent

export class OpenApiClient {
  constructor(private readonly options: OpenApiClientOptions) {}

  get apiBase(): string {
    return this.options.apiBase
  }

  async request<T>(method: Method, path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const headers: Record<string, string> = { 'X-Gizwits-Application-Id': this.options.appId, Accept: 'application/json', ...init.headers }
    if (init.token) headers['X-Gizwits-User-token'] = init.token
    if (init.body !== undefined) headers['Content-Type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(`${this.options.apiBase}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      })
    } catch (error) {
      countGizwitsError('unreachable')
      throw new GizwitsUnavailableError(`cannot reach ${this.options.apiBase}: ${(error as Error).message}`)
    }
    const text = await response.text()
    // The cloud often labels JSON as text/html, so parse regardless of the content type.
    let body: unknown = {}
    if (text) {
      try {
        body = JSON.parse(text)
      } catch {
        countGizwitsError('unreachable')
        throw new GizwitsUnavailableError(`${method} ${path} answered ${response.status} with non-JSON`)
      }
    }
    if (!response.ok) {
      const error = body as Partial<GizwitsErrorBody> & { error_code?: number | string }
      // Counted here, where every Open API refusal of the BFF is read (ops/metrics.ts).
      countGizwitsError(error.error_code === undefined ? 'unreachable' : Number(error.error_code))
      if (error.error_code === undefined) throw new GizwitsUnavailableError(`${method} ${path} answered ${response.status}`)
      throw new GizwitsApiError(response.status, {
        error_code: Number(error.error_code),
        error_message: String(error.error_message ?? ''),
        detail_message: typeof error.detail_message === 'string' ? error.detail_message : null,
      })
    }
    return body as T
  }

  createAnonymousUser(phoneId: string, lang = 'zh-cn'): Promise<UserToken> {
    return this.request('POST', '/app/users', { body: { phone_id: phoneId, lang } })
  }

  getBindings(token: string, query: BindingsQuery = {}): Promise<BindingsResponse> {
    const params = new URLSearchParams(Object.entries({ limit: 20, skip: 0, show_disabled: 0, ...query }).map(([k, v]): [string, string] => [k, String(v)]))
    return this.request('GET', `/app/bindings?${params}`, { token })
  }

  /** Every binding, page by page, as the official SDKs do. */
  async getAllBindings(token: string): Promise<BoundDevice[]> {
    const limit = 100
    const devices: BoundDevice[] = []
    for (let skip = 0; ; skip += limit) {
      const page = await this.getBindings(token, { limit, skip })
      devices.push(...page.devices)
      if (page.devices.length < limit) return devices
    }
  }

  // Gateways and firmware (src/shared/open-api/gateway.ts): the sandbox's stand-ins for the SDK's central control
  // and GizDeviceOTA.
  subDevices(token: string, did: string): Promise<SubDeviceList> {
    return this.request('GET', `/app/devices/${seg(did)}/sub_devices`, { token })
  }

  openPairing(token: string, did: string, body: PairingBody): Promise<PairingOpened> {
    return this.request('POST', `/app/devices/${seg(did)}/sub_devices`, { token, body })
  }

  removeSubDevice(token: string, did: string, subDid: string): Promise<Record<string, never>> {
    return this.request('DELETE', `/app/devices/${seg(did)}/sub_devices/${seg(subDid)}`, { token })
  }

  checkFirmware(token: string, did: string): Promise<OtaInfo> {
    return this.request('GET', `/app/devices/${seg(did)}/ota`, { token })
  }

  upgradeFirmware(token: string, did: string, body: OtaStartBody): Promise<OtaStarted> {
    return this.request('POST', `/app/devices/${seg(did)}/ota`, { token, body })
  }

  getDevice(token: string, did: string): Promise<BoundDevice> {
    return this.request('GET', `/app/devices/${encodeURIComponent(did)}`, { token })
  }

  getDatapoint(productKey: string): Promise<ProductDefinition> {
    return this.request('GET', `/app/datapoint?product_key=${encodeURIComponent(productKey)}`)
  }

  /** Hour/day/week/month aggregates of numeric datapoints, one aggregator per call (`start_ts`/`end_ts` in ms). */
  getAggData(token: string, did: string, query: { start_ts: number; end_ts: number; attrs: string; aggregator: 'avg' | 'max' | 'min' | 'sum'; unit: 'hours' }): Promise<AggData> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))
    return this.request('GET', `/app/devdata/${encodeURIComponent(did)}/agg_data?${params}`, { token })
  }

  getLatest(token: string, did: string): Promise<DevdataLatest> {
    return this.request('GET', `/app/devdata/${encodeURIComponent(did)}/latest`, { token })
  }

  control(token: string, did: string, body: ControlBody): Promise<Record<string, never>> {
    return this.request('POST', `/app/control/${encodeURIComponent(did)}`, { token, body })
  }

  /** bind_mac is signed: lower(md5(product_secret + timestamp)), timestamp in seconds. */
  bindMac(token: string, body: BindMacBody, productSecret: string, nowS = Math.floor(Date.now() / 1000)): Promise<BoundDevice> {
    const timestamp = String(nowS)
    const signature = createHash('md5').update(productSecret + timestamp).digest('hex')
    return this.request('POST', '/app/bind_mac', { token, body, headers: { 'X-Gizwits-Timestamp': timestamp, 'X-Gizwits-Signature': signature } })
  }

  unbind(token: string, dids: string[]): Promise<UnbindResult> {
    return this.request('DELETE', '/app/bindings', { token, body: { devices: dids.map((did) => ({ did })) } })
  }

  updateBinding(token: string, did: string, body: BindingUpdateBody): Promise<BindingUpdateResult> {
    return this.request('PUT', `/app/bindings/${encodeURIComponent(did)}`, { token, body })
  }

  /** Legacy binding by did + passcode (the Gizwits app's QR form). */
  bindByPasscode(token: string, body: BindingsCreateBody & { set_owner?: 0 | 1 }): Promise<BindingsCreateResult> {
    return this.request('POST', '/app/bindings', { token, body })
  }

  /** Binding by the opaque content of a code from Gizwits' QR service. */
  bindLatest(token: string, body: BindLatestBody & { set_owner?: 0 | 1 }): Promise<Record<string, never>> {
    return this.request('POST', '/app/bind_latest', { token, body })
  }

  // ---- sharing (seed 003 设备分享) ----

  createSharing(token: string, body: SharingCreateBody): Promise<SharingCreated> {
    return this.request('POST', '/app/sharing', { token, body })
  }

  listSharings(token: string, query: SharingQuery): Promise<SharingList> {
    return this.request('GET', `/app/sharing?${queryString({ limit: 20, skip: 0, ...query })}`, { token })
  }

  cancelSharing(token: string, id: number): Promise<SharingIdResult> {
    return this.request('DELETE', `/app/sharing/${id}`, { token })
  }

  respondToSharing(token: string, id: number, accept: boolean): Promise<SharingIdResult> {
    return this.request('PUT', `/app/sharing/${id}?status=${accept ? 1 : 2}`, { token })
  }

  sharingCodeInfo(token: string, code: string): Promise<SharingCodeInfo> {
    return this.request('GET', `/app/sharing/code/${seg(code)}`, { token })
  }

  acceptSharingCode(token: string, code: string): Promise<Record<string, never>> {
    return this.request('POST', `/app/sharing/code/${seg(code)}`, { token })
  }

  setGuestAlias(token: string, id: number, alias: string): Promise<Record<string, never>> {
    return this.request('PUT', `/app/sharing/${id}/alias?${queryString({ user_alias: alias })}`, { token })
  }

  transferOwnership(token: string, did: string, uid: string): Promise<Record<string, never>> {
    return this.request('POST', `/app/sharing/${seg(did)}/transfer?${queryString({ uid })}`, { token })
  }

  guests(token: string, did: string): Promise<Guest[]> {
    return this.request('GET', `/app/${seg(did)}/bindings`, { token })
  }

  removeGuest(token: string, did: string, uid: string): Promise<Record<string, never>> {
    return this.request('DELETE', `/app/${seg(did)}/bindings?${queryString({ uid })}`, { token })
  }

  // ---- message centre ----

  messages(token: string, query: MessagesQuery): Promise<MessageList> {
    return this.request('GET', `/app/messages?${queryString({ limit: 20, skip: 0, ...query })}`, { token })
  }

  markMessage(token: string, id: string, status: 1 | 2): Promise<Record<string, never>> {
    return this.request('PUT', `/app/messages/${seg(id)}?status=${status}`, { token })
  }
}
