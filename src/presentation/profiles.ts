// Presentation profiles: for each product, which datapoint is the main switch, which is the main setting (and how
// the device page's hero block shows it), which one or two values its list card shows, which minute points are
// countdown timers, its icon, and its words in the language its definition does not carry (definitions carry
// zh-CN only). Gizwits' definition says what a device can do; a profile says what matters most to a person.
//
// Kept here in the SPA rather than served by the BFF: the SPA cannot read the sandbox's product folders, and a
// profile changes only with the app's look (a new icon, a new hero), which ships as a build anyway; being code, a
// profile is type-checked against the kinds of hero this build has. The first route needs the card's fields at
// once, so a BFF route would add a request before the first live card. A product with no profile (a new one on
// the cloud) still gets a usable page from `derivedProfile`, worked out from its datapoints alone.
import { datapointKind, numberSpec } from '@shared/datapoint'
import type { AttrItem } from '@shared/open-api'

export type ProductIcon = 'air-conditioner' | 'plant' | 'pet-house' | 'device'
/** The hero block's main setting: a large stepper (a temperature), a reading with an action (watering), colours. */
export type HeroKind = 'stepper' | 'reading-action' | 'colours'

export interface ProductWords {
  /** The product's name. */
  name: string
  /** Datapoint name → its label. */
  attrs: Record<string, string>
  /** Datapoint name → enum value (as the definition spells it) → its label. */
  enums?: Record<string, Record<string, string>>
}

export interface PresentationProfile {
  icon: ProductIcon
  /** The main switch: a writable bool, toggled from the list card and the hero block. */
  power?: string
  hero?: {
    kind: HeroKind
    /** The main setting (stepper, colours) or the main reading (reading-action). */
    setting: string
    /** reading-action: the writable bool an action button sets to true (the pump for "浇水"). */
    action?: string
    /** colours: a CSS colour per enum value, for the swatches (the device's light, not the app's theme). */
    swatches?: Record<string, string>
  }
  /** One or two values a list card shows beside the main switch. */
  card: string[]
  /** Minute datapoints shown and set as a countdown, and what happens when it reaches zero. */
  timers?: Record<string, 'on' | 'off'>
  /** The words of the other language, by locale; the definition's own language comes from the definition. */
  words: { en?: ProductWords }
}

/** Keyed by product_key, as the cloud knows the product. */
export const PROFILES: Record<string, PresentationProfile> = {
  // 空调 (server/sandbox/products/air-conditioner)
  '4214bf2d79694a259232431b6f2ef46b': {
    icon: 'air-conditioner',
    power: 'switch',
    hero: { kind: 'stepper', setting: 'set_temp' },
    card: ['set_temp', 'room_temp'],
    timers: { on_timing: 'on', off_timing: 'off' },
    words: {
      en: {
        name: 'Air conditioner',
        attrs: {
          switch: 'Power', mode: 'Mode', fan_speed: 'Fan speed', fan_swing: 'Swing', set_temp: 'Temperature',
          on_timing: 'Turn on in', off_timing: 'Turn off in', room_temp: 'Room temperature',
          alert_full: 'Water tank full', alert_shutdown: 'Unexpected shutdown', fault_roomtemp: 'Room sensor fault',
        },
        enums: {
          mode: { 自动: 'Auto', 制冷: 'Cool', 制热: 'Heat', 送风: 'Fan', 除湿: 'Dry' },
          fan_speed: { 低风: 'Low', 中风: 'Medium', 高风: 'High', 自动: 'Auto' },
        },
      },
    },
  },
  // 智能浇花器 (server/sandbox/products/plant-waterer)
  '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21': {
    icon: 'plant',
    hero: { kind: 'reading-action', setting: 'soil_humidity', action: 'pump' },
    card: ['soil_humidity', 'temperature'],
    words: {
      en: {
        name: 'Plant waterer',
        attrs: {
          pump: 'Pump', auto_water: 'Water automatically', water_threshold: 'Water below', temp_threshold: 'Too hot above',
          soil_humidity: 'Soil moisture', temperature: 'Temperature', light: 'Light',
          alert_dry: 'Soil too dry', alert_hot: 'Too hot', fault_pump: 'Pump fault',
        },
      },
    },
  },
  // 宠物屋 (server/sandbox/products/pet-house)
  '268162799f764b999f834b5a02eb894d': {
    icon: 'pet-house',
    power: 'LED_OnOff',
    hero: { kind: 'colours', setting: 'LED_Color', swatches: { 黄色: 'hsl(48 100% 55%)', 紫色: 'hsl(275 70% 60%)', 粉色: 'hsl(340 90% 75%)' } },
    card: ['Temperature', 'Humidity'],
    words: {
      en: {
        name: 'Pet house',
        attrs: {
          LED_OnOff: 'Light', LED_Color: 'Light colour', LED_R: 'Red', LED_G: 'Green', LED_B: 'Blue', Motor_Speed: 'Fan speed',
          Infrared: 'Pet inside', Temperature: 'Temperature', Humidity: 'Humidity',
          Alert_1: 'Too hot', Alert_2: 'Too damp', Fault_LED: 'Light fault', Fault_Motor: 'Motor fault',
          Fault_TemHum: 'Temperature sensor fault', Fault_IR: 'Motion sensor fault', ext_data: 'Extra data',
        },
        enums: { LED_Color: { 自定义: 'Custom', 黄色: 'Yellow', 紫色: 'Purple', 粉色: 'Pink' } },
      },
    },
  },  // 智能网关, 门窗传感器, 计量插座 (server/sandbox/products/zigbee-hub, door-sensor, metering-plug)
  '3a7c9e1f5b2d4c6e8a0b1c2d3e4f5061': {
    icon: 'device', power: 'LED_OnOff', card: ['Sub_Count'],
    words: { en: { name: 'Gateway', attrs: { LED_OnOff: 'Indicator light', Sub_Count: 'Sub-devices', Signal: 'Signal' } } },
  },
  '4b8d0f2a6c3e5d7f9b1c2d3e4f506172': {
    icon: 'device', card: ['Contact', 'Battery'],
    words: { en: { name: 'Door sensor', attrs: { Contact: 'Open', Alarm_Armed: 'Armed', Battery: 'Battery', Alert_Intrusion: 'Intrusion', Alert_Low_Battery: 'Low battery' } } },
  },
  '5c9e1a3b7d4f6e8a0c2d3e4f50617283': {
    icon: 'device', power: 'Power_Switch', card: ['Power', 'Energy'],
    words: { en: { name: 'Metering plug', attrs: { Power_Switch: 'Power', Power: 'Load', Energy: 'Energy used', Voltage: 'Voltage', Fault_Overload: 'Overload' } } },
  },
}

const POWER_NAME = /^(switch|power|on_?off|onoff)$/i

/**
 * What a product with no profile gets, from its datapoints: the main switch is a writable bool called like one
 * (else the first writable bool); the main setting the first writable number with a short range; the card shows
 * the first readings; writable numbers in minutes are timers. Its words stay the definition's (see `labelOf`).
 */
export function derivedProfile(attrs: AttrItem[]): PresentationProfile {
  const bools = attrs.filter((attr) => datapointKind(attr) === 'switch')
  const power = bools.find((attr) => POWER_NAME.test(attr.name)) ?? bools[0]
  const minutes = attrs.filter((attr) => datapointKind(attr) === 'number' && attr.unit === 'min')
  const setting = attrs.find((attr) => {
    if (datapointKind(attr) !== 'number' || minutes.includes(attr)) return false
    const { min, max, step } = numberSpec(attr)
    return (max - min) / step <= 30
  })
  const readings = attrs.filter((attr) => datapointKind(attr) === 'readonly' && attr.data_type !== 'bool')
  return {
    icon: 'device',
    power: power?.name,
    hero: setting ? { kind: 'stepper', setting: setting.name } : undefined,
    card: [...(setting ? [setting.name] : []), ...readings.map((attr) => attr.name)].slice(0, 2),
    timers: Object.fromEntries(minutes.map((attr) => [attr.name, /off|关/i.test(`${attr.name}${attr.display_name}`) ? 'off' : 'on'])),
    words: {},
  }
}

/** The profile a product is shown with: its own when it has one, else the one derived from its datapoints. */
export function profileOf(productKey: string, attrs: AttrItem[]): PresentationProfile {
  return PROFILES[productKey] ?? derivedProfile(attrs)
}
