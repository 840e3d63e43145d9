// Issue 11 §2 and §6 in components: presentation profiles (and the fallback a new product gets), English words with
// no Chinese, countdown timers, message texts built from their type, and the card's power toggle owned by the
// commands store.
import { describe, expect, test } from 'vitest'
import plantJson from '../../server/sandbox/products/plant-waterer/definition.json'
import { productAttrs } from '@shared/datapoint'
import type { AppMessage, BoundDevice, ProductDefinition } from '@shared/open-api'
import DatapointTimer from '@/components/datapoint/DatapointTimer.vue'
import DeviceCard from '@/components/device/DeviceCard.vue'
import { glanceMessages } from '@/i18n/glance'
import { i18n, setLocale } from '@/i18n'
import { messageText, parseMessage } from '@/presentation/message-text'
import { derivedProfile, profileOf, PROFILES } from '@/presentation/profiles'
import { humanise, labelOf, optionLabelOf, productNameOf } from '@/presentation/words'
import { useCommandsStore } from '@/stores/commands'
import { useLiveStore } from '@/stores/live'
import { airConditioner, attr, petHouse } from './fixtures/products'
import { mountWithApp } from './mount'

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/
const plant = plantJson as ProductDefinition
const products = [airConditioner, plant, petHouse]

describe('presentation profiles', () => {
  test.each(products.map((product) => [product.name, product] as const))('should give %s English words for every datapoint and enum item', (_, product) => {
    const attrs = productAttrs(product)
    const profile = profileOf(product.product_key, attrs)
    expect(PROFILES[product.product_key]).toBe(profile)
    const words = attrs.flatMap((item) => [labelOf(profile, item, 'en'), ...(item.enum ?? []).map((value) => optionLabelOf(profile, item, value, 'en', (n) => `Option ${n}`))])
    expect(words.filter((word) => CJK.test(word))).toEqual([])
    expect(words.filter((word) => /^Option/.test(word))).toEqual([])
    expect(productNameOf(profile, product.name, 'en', 'Smart device')).not.toMatch(CJK)
    // The definition's own language comes from the definition.
    expect(labelOf(profile, attrs[0], 'zh-CN')).toBe(attrs[0].display_name)
  })

  test('should name only datapoints the product has', () => {
    for (const product of products) {
      const names = new Set(productAttrs(product).map((item) => item.name))
      const profile = PROFILES[product.product_key]
      const named = [profile.power, profile.hero?.setting, profile.hero?.action, ...profile.card, ...Object.keys(profile.timers ?? {})].filter(Boolean)
      expect(named.filter((name) => !names.has(name!))).toEqual([])
    }
  })

  test('should give a product with no profile a usable page and no Chinese in English', () => {
    const attrs = productAttrs(petHouse)
    const profile = derivedProfile(attrs)
    expect(profile.power).toBe('LED_OnOff')
    expect(profile.hero).toEqual({ kind: 'stepper', setting: 'Motor_Speed' })
    expect(profile.card).toEqual(['Motor_Speed', 'Temperature'])
    expect(labelOf(profile, attr(petHouse, 'LED_OnOff'), 'en')).toBe('LED on off')
    expect(optionLabelOf(profile, attr(petHouse, 'LED_Color'), '紫色', 'en', (n) => `Option ${n}`)).toBe('Option 3')
    expect(productNameOf(profile, '宠物屋', 'en', 'Smart device')).toBe('Smart device')
    expect(humanise('set_temp')).toBe('Set temp')
  })
})

describe('DatapointTimer', () => {
  test('should show minutes as a countdown in the user\'s language', async () => {
    const offTiming = attr(airConditioner, 'off_timing')
    const wrapper = mountWithApp(DatapointTimer, { props: { attr: offTiming, value: 120, ends: 'off' } })
    expect(wrapper.text()).toContain('2 小时后关机')
    await wrapper.setProps({ value: 90 })
    expect(wrapper.text()).toContain('1 小时 30 分钟后关机')
    await wrapper.setProps({ value: 0 })
    expect(wrapper.text()).toContain('未定时')
    setLocale('en')
    await wrapper.setProps({ value: 120 })
    expect(wrapper.text()).toContain('Off in 2 h')
    setLocale('zh-CN')
  })
})

describe('message texts', () => {
  const message = (content: string, type = 1): AppMessage => ({ id: '1', type, status: 0, content, created_at: '', updated_at: '' })
  const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {})

  test('should read every sharing wording of the cloud and build the text from its kind', () => {
    const cases: Array<[string, string]> = [
      ['您给 f3c****415 共享了设备 客厅空调!', 'You shared 客厅空调 with f3c****415'],
      ['f3c****415 给您共享了设备 客厅空调!', 'f3c****415 shared 客厅空调 with you'],
      ['f3c****415 收回了共享给您的设备 客厅空调', 'f3c****415 took back 客厅空调'],
      ['您取消了对 二维码 的设备共享 客厅空调', 'You stopped sharing 客厅空调 with a QR code'],
      ['f3c****415 拒绝了您共享的设备 客厅空调', 'f3c****415 declined 客厅空调'],
      ['f3c****415 接受了您共享的设备 客厅空调', 'f3c****415 accepted 客厅空调'],
      ['您接受了 f3c****415 共享的设备 客厅空调', 'You accepted 客厅空调 from f3c****415'],
    ]
    setLocale('en')
    for (const [content, english] of cases) {
      expect(parseMessage(content), content).not.toBeNull()
      expect(messageText(message(content), t, false)).toBe(english)
    }
    expect(messageText(message('某种新消息'), t, false)).toBe('A sharing message')
    setLocale('zh-CN')
    expect(messageText(message(cases[1][0]), t, true)).toBe('f3c****415 给您共享了设备 客厅空调')
    expect(messageText(message('某种新消息'), t, true)).toBe('某种新消息')
  })

  test('should have the same keys in both languages', () => {
    const keys = (value: object, prefix = ''): string[] => Object.entries(value).flatMap(([key, inner]) => (typeof inner === 'string' ? [prefix + key] : keys(inner as object, `${prefix}${key}.`)))
    expect(keys(glanceMessages.en).sort()).toEqual(keys(glanceMessages['zh-CN']).sort())
  })
})

describe('the card\'s power toggle', () => {
  const device: BoundDevice = {
    product_key: airConditioner.product_key, did: 'gKufzxZwYeyd3Skbsb6mza', mac: 'accf2350d446', is_online: true, passcode: 'JHHOOIWJBA',
    host: '127.0.0.1', port: 1883, port_s: 8883, ws_port: 8081, wss_port: 8880, remark: '', is_disabled: false, type: 'normal',
    dev_alias: '客厅空调', dev_label: [], role: 'owner', product_name: '空调',
  }

  test('should send one command through the commands store and show its state', async () => {
    const wrapper = mountWithApp(DeviceCard, { props: { device, attrs: productAttrs(airConditioner), live: { online: true, attrs: { switch: false }, known: true }, tone: 0 } })
    const live = useLiveStore()
    const sent: unknown[] = []
    live.send = ((frame: unknown) => (sent.push(frame), true)) as typeof live.send
    const toggle = wrapper.find('[data-power]')
    expect(toggle.attributes('role')).toBe('switch')
    expect(toggle.attributes('aria-label')).toBe('客厅空调电源')
    expect(toggle.attributes('aria-checked')).toBe('false')
    await toggle.trigger('click')
    expect(sent).toMatchObject([{ cmd: 'c2s_write', data: { did: device.did, attrs: { switch: true } } }])
    expect(useCommandsStore().stateOf(device.did, 'switch')).toBe('sending')
    expect(toggle.attributes('data-state')).toBe('sending')
    expect(toggle.attributes('aria-checked')).toBe('true')
    // In flight, a second tap sends nothing.
    await toggle.trigger('click')
    expect(sent).toHaveLength(1)
  })

  test('should have no toggle for a product without a main switch', () => {
    const plantDevice = { ...device, product_key: plant.product_key, product_name: plant.name }
    const wrapper = mountWithApp(DeviceCard, { props: { device: plantDevice, attrs: productAttrs(plant), live: { online: true, attrs: { soil_humidity: 46 }, known: true }, tone: 0 } })
    expect(wrapper.find('[data-power]').exists()).toBe(false)
    expect(wrapper.text()).toContain('土壤湿度 46%')
  })
})
