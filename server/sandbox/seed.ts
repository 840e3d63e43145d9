// The sandbox's virtual world on an empty store: devices (with MAC, did, passcode), demo WeChat users, bindings.
export interface SeedDevice {
  did: string
  mac: string
  passcode: string
  product_key: string
  online: boolean
  /** Drops offline now and then in 'live' mode. */
  flaky?: boolean
}

export interface SeedUser {
  openid: string
  nickname: string
  bindings: Array<{ did: string; role: 'special' | 'owner' | 'normal'; dev_alias: string; remark?: string }>
}

const AC = '4214bf2d79694a259232431b6f2ef46b'
const PLANT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
const PET = '268162799f764b999f834b5a02eb894d'

export const SEED_DEVICES: SeedDevice[] = [
  { did: 'gKufzxZwYeyd3Skbsb6mza', mac: 'accf2350d446', passcode: 'JHHOOIWJBA', product_key: AC, online: true },
  { did: 'Wc4Tn8bVq2LrXy7PzA1mKe', mac: 'accf2350d447', passcode: 'QWERTYUIOP', product_key: AC, online: true, flaky: true },
  { did: 'Pl7aNtWt3rR9sKx2Vb5QzH', mac: '5ccf7f0a1b2c', passcode: 'ASDFGHJKLZ', product_key: PLANT, online: true },
  { did: 'Pl8bOuXu4sS0tLy3Wc6RaJ', mac: '5ccf7f0a1b2d', passcode: 'ZXCVBNMASD', product_key: PLANT, online: false },
  { did: 'Pt9cPvYv5tT1uMz4Xd7SbK', mac: '18fe34a1b2c3', passcode: 'POIUYTREWQ', product_key: PET, online: true },
  { did: 'Ac0dQwZw6uU2vNa5Ye8TcL', mac: 'accf2350d448', passcode: 'LKJHGFDSAM', product_key: AC, online: true },
  // Never bound: for binding and Wi-Fi setup.
  { did: 'Nw1eRxAx7vV3wOb6Zf9UdM', mac: 'accf2350d449', passcode: 'MNBVCXZLKJ', product_key: AC, online: false },
  { did: 'Nw2fSyBy8wW4xPc7Ag0VeN', mac: '5ccf7f0a1b2e', passcode: 'HGFDSAPOIU', product_key: PLANT, online: false },
  { did: 'Nw3gTzCz9xX5yQd8Bh1WfO', mac: '18fe34a1b2c4', passcode: 'YTREWQLKJH', product_key: PET, online: false },
]

export const SEED_USERS: SeedUser[] = [
  {
    openid: 'oDemo_XiaoMing_6fA2kP9sQ1wE',
    nickname: '小明',
    bindings: [
      { did: 'gKufzxZwYeyd3Skbsb6mza', role: 'owner', dev_alias: '客厅空调', remark: '格力 1.5 匹' },
      { did: 'Wc4Tn8bVq2LrXy7PzA1mKe', role: 'owner', dev_alias: '卧室空调' },
      { did: 'Pl7aNtWt3rR9sKx2Vb5QzH', role: 'owner', dev_alias: '阳台绿萝' },
      { did: 'Pl8bOuXu4sS0tLy3Wc6RaJ', role: 'owner', dev_alias: '书房多肉' },
      { did: 'Pt9cPvYv5tT1uMz4Xd7SbK', role: 'special', dev_alias: '旺财的小屋' },
    ],
  },
  {
    openid: 'oDemo_XiaoHong_3bN7cR2tY8uI',
    nickname: '小红',
    bindings: [{ did: 'Ac0dQwZw6uU2vNa5Ye8TcL', role: 'owner', dev_alias: '主卧空调' }],
  },
  { openid: 'oDemo_LaoWang_9kL4mV6xZ0oP', nickname: '老王', bindings: [] },
]
