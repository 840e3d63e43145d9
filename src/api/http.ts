// The one axios instance: same origin, the UI language on every request, errors as ApiError with a user message.
import axios, { AxiosError } from 'axios'
import type { ApiErrorBody } from '@shared/api'
import { currentLocale } from '@/i18n'

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ApiErrorBody | null) {
    super(body?.message ?? `HTTP ${status}`)
  }

  /** The request never got an answer (offline, DNS, timeout). */
  get isNetwork(): boolean {
    return this.status === 0
  }
}

export const http = axios.create({ timeout: 15_000, withCredentials: true })

http.interceptors.request.use((config) => {
  config.headers.set('Accept-Language', currentLocale())
  return config
})

http.interceptors.response.use(undefined, (error: AxiosError<ApiErrorBody>) => {
  const status = error.response?.status ?? 0
  const body = error.response?.data && typeof error.response.data === 'object' ? error.response.data : null
  return Promise.reject(new ApiError(status, body))
})
