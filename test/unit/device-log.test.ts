// The device log's lines on the 历史 page: a page's command names who sent it, a schedule's and a rule's name their
// path ("定时：…", "联动：…", the maker being the device's user) with their outcome and its reason.
import { flushPromises } from '@vue/test-utils'
import { expect, test, vi } from 'vitest'
import { productAttrs } from '@shared/datapoint'
import type { DeviceLogResponse } from '@shared/device-log'
import DeviceLog from '@/components/history/DeviceLog.vue'
import { airConditioner } from './fixtures/products'
import { mountWithApp } from './mount'

const page: DeviceLogResponse = {
  items: [
    { kind: 'command', at: 3000, mine: true, who: null, source: 'rule', state: 'failed', reason: 'device_offline', values: { switch: 1 } },
    { kind: 'command', at: 2000, mine: true, who: null, source: 'schedule', state: 'confirmed', reason: null, values: { set_temp: 19 } },
    { kind: 'command', at: 1000, mine: false, who: '小红', source: 'page', state: 'confirmed', reason: null, values: { set_temp: 24 } },
  ],
  next_before: null,
}
vi.mock('@/api/device-log', () => ({ fetchDeviceLog: () => Promise.resolve(page) }))

test('schedules\' and rules\' commands read 定时：… and 联动：… with their outcome; a page\'s names its sender', async () => {
  const wrapper = mountWithApp(DeviceLog, { props: { did: 'gKufzxZwYeyd3Skbsb6mza', attrs: productAttrs(airConditioner) } })
  await flushPromises()
  const lines = wrapper.findAll('[data-log-kind="command"]').map((item) => [item.find('.text').text(), item.find('[data-log-outcome]').text()])
  expect(lines).toEqual([
    ['联动：开关 开', '没有执行：设备离线'],
    ['定时：设定温度 19°C', '已执行'],
    ['小红通过设备页：设定温度 24°C', '已执行'],
  ])
})
