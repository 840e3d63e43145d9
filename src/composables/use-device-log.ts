// One device's log for the 历史 page, a page at a time ("更多" loads the next): the component goes through here,
// not the API.
import { ref } from 'vue'
import type { DeviceLogItem } from '@shared/device-log'
import { fetchDeviceLog } from '@/api/device-log'

export function useDeviceLog(did: () => string) {
  const items = ref<DeviceLogItem[]>([])
  const status = ref<'loading' | 'ready' | 'failed'>('loading')
  const more = ref<number | null>(null)
  const loadingMore = ref(false)

  async function load(): Promise<void> {
    status.value = 'loading'
    try {
      const page = await fetchDeviceLog(did())
      items.value = page.items
      more.value = page.next_before
      status.value = 'ready'
    } catch {
      status.value = 'failed'
    }
  }

  async function loadMore(): Promise<void> {
    if (more.value === null || loadingMore.value) return
    loadingMore.value = true
    try {
      const page = await fetchDeviceLog(did(), more.value)
      items.value = [...items.value, ...page.items]
      more.value = page.next_before
    } finally {
      loadingMore.value = false
    }
  }

  return { items, status, more, loadingMore, load, loadMore }
}
