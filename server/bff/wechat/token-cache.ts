// Where WeChat credentials (access_token, jsapi_ticket) are kept between calls. In memory for one BFF; several
// BFFs behind a load balancer share one through Redis, so they never fight over who refreshes.
export interface CachedValue { value: string; expiresAt: number }

export interface TokenCache {
  get: (key: string) => Promise<CachedValue | null>
  set: (key: string, value: CachedValue) => Promise<void>
}

export function memoryTokenCache(): TokenCache {
  const values = new Map<string, CachedValue>()
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => {
      values.set(key, value)
    },
  }
}
