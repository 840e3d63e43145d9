// The one axios instance: same origin, the UI language on every request, errors as ApiError with a user message.
// A request gives up after about 8 s: a hung backend then says so with a retry instead of spinning on.
import axios, { AxiosError } from 'axios'
import type { ApiErrorBody } from '@shared/api'
import { currentLocale, i18n } from '@/i18n'

/** What went wrong, in the terms a person can act on (see `problemText`). */
export type Problem = 'offline' | 'timeout' | 'unavailable' | 'server' | 'busy' | 'session' | 'failed'

/** How long any call may take before the page says so and offers a retry. */
export const REQUEST_TIMEOUT_MS = 8000

export function problemOf(status: number, timedOut = false): Problem {
  if (status === 0) return timedOut ? 'timeout' : 'offline'
  if (status === 502 || status === 503 || status === 504) return 'unavailable'
  if (status >= 500) return 'server'
  if (status === 429) return 'busy'
  if (status === 401) return 'session'
  return 'failed'
}

/** What happened and what to do, in the user's language: never "HTTP 502". */
export function problemText(problem: Problem): string {
  return i18n.global.t(`errors.${problem}`)
}

export class ApiError extends Error {
  readonly problem: Problem

  constructor(readonly status: number, readonly body: ApiErrorBody | null, timedOut = false) {
    const problem = problemOf(status, timedOut)
    // The BFF's own message says it best; a gateway's 502 page, a timeout or no answer at all get ours.
    super(body?.message ?? problemText(problem))
    this.problem = problem
  }

  /** The request never got an answer (offline, DNS, timeout). */
  get isNetwork(): boolean {
    return this.status === 0
  }
}

export const http = axios.create({ timeout: REQUEST_TIMEOUT_MS, withCredentials: true })

http.interceptors.request.use((config) => {
  config.headers.set('Accept-Language', currentLocale())
  return config
})

http.interceptors.response.use(undefined, (error: AxiosError<ApiErrorBody>) => {
  const status = error.response?.status ?? 0
  const data = error.response?.data
  const body = data && typeof data === 'object' && typeof (data as ApiErrorBody).message === 'string' ? data : null
  const timedOut = error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT
  return Promise.reject(new ApiError(status, body, timedOut))
})
