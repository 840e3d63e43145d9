// A device's firmware for the firmware panel: both versions, a newer one with its notes, and an upgrade the owner
// confirmed, followed until it ends. The cloud (GizDeviceOTA) keeps the upgrade's status; while one runs this
// asks for it every second — the status is not one of the app WebSocket's frames — and stops when it ends.
import { computed, onBeforeUnmount, ref } from 'vue'
import type { DeviceOta, FirmwareType } from '@shared/open-api/gateway'
import { fetchOta, startOta } from '@/api/gateway'

const FOLLOW_MS = 1000

export function useFirmware(did: () => string) {
  const ota = ref<DeviceOta | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  const running = computed(() => ['downloading', 'installing', 'rebooting'].includes(ota.value?.upgrade?.state ?? ''))

  async function load(): Promise<void> {
    ota.value = await fetchOta(did())
    clearTimeout(timer)
    if (running.value) timer = setTimeout(() => void load().catch(() => undefined), FOLLOW_MS)
  }

  async function start(type: FirmwareType): Promise<void> {
    const { upgrade } = await startOta(did(), type)
    if (ota.value) ota.value = { ...ota.value, upgrade }
    clearTimeout(timer)
    timer = setTimeout(() => void load().catch(() => undefined), FOLLOW_MS)
  }

  onBeforeUnmount(() => clearTimeout(timer))
  return { ota, running, load, start }
}
