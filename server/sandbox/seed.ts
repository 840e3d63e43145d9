// The demo's WeChat users on an empty store, and the devices each is bound to (the devices themselves are in
// their product's folder, products/*/index.ts). The WeChat openid doubles as the Gizwits phone_id, as the BFF
// registers anonymous users.
interface SeedUser {
  openid: string
  nickname: string
  bindings: Array<{ did: string; role: 'special' | 'owner' | 'normal'; dev_alias: string; remark?: string }>
}

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
  // The smart-home demo: a Zigbee gateway with a metering plug paired (SEED_SUB_DEVICES); door sensors to pair.
  { openid: 'oDemo_XiaoLi_5hG8jT2wQ4rZ', nickname: '小李', bindings: [{ did: 'Gw5hUbRb1yY7zSe0Ci3XgP', role: 'owner', dev_alias: '客厅网关' }] },
]

/** Sub-devices already paired with a demo gateway on an empty store (the door sensors stay on the shelf, to pair). */
export const SEED_SUB_DEVICES: Array<{ did: string; gw_did: string; dev_alias: string }> = [{ did: 'Mp1cMfNf5cC1dWi4Gm7BkT', gw_did: 'Gw5hUbRb1yY7zSe0Ci3XgP', dev_alias: '电水壶插座' }]
