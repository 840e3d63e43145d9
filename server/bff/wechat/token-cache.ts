// Where WeChat credentials (access_token, jsapi_ticket) are kept between calls. In memory for one BFF; several
// BFFs behind a load balancer share one through Redis, so they never fight over who refreshes.
export interface CachedValue { value: string; expiresAt: number }

export interface TokenCache {
  get: (key: string) => Promise<CachedValue | null>
  set: (key: string, value: CachedValue) => Promise<void>
  /**
   * Shared caches only: runs `fetch` (which stores what it gets) while holding the cluster's lock on this key, so of
   * twenty BFFs needing a token one asks WeChat and the others wait for what it stores — asking WeChat from
   * several would spend the daily quota, and a forced refresh from one would invalidate the others' token. Answers
   * the cached value instead once one is `usable`. Absent in memory, where the in-flight promise is the single flight.
   */
  singleFlight?: (key: string, usable: (cached: CachedValue | null) => boolean, fetch: () => Promise<string>) => Promise<string>
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
