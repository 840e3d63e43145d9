// WeChat nicknames (issue 11 §1): asked only with scope=userinfo (a user's tap), kept in the BFF's store, returned
// by /api/me, and shown to the owner in place of the cloud's masked name for guests who gave one.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sqliteUserRepository } from '../../server/bff/store/user-repository'
import { openDatabase } from '../../server/bff/store/database'
import { tokenSealer } from '../../server/bff/store/token-sealer'
import { FIRST_USER, LIVING_ROOM_AC, SECOND_USER, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

let backend: Backend

beforeAll(async () => {
  backend = await startBackend()
})
afterAll(async () => backend?.close())

const me = async (cookie: string) => (await (await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie } })).json()) as { nickname: string | null; uid: string }

describe('WeChat nicknames', () => {
  test('should log in silently without asking for the nickname, and ask for snsapi_userinfo only with scope=userinfo', async () => {
    const silent = await fetch(`${backend.bffUrl}/auth/wechat/login?next=/`, { redirect: 'manual' })
    expect(silent.headers.get('location')).toContain('scope=snsapi_base')
    const asked = await fetch(`${backend.bffUrl}/auth/wechat/login?next=/&scope=userinfo`, { redirect: 'manual' })
    expect(asked.headers.get('location')).toContain('scope=snsapi_userinfo')
    expect((await fetch(`${backend.bffUrl}/auth/wechat/login?next=/&scope=everything`, { redirect: 'manual' })).status).toBe(400)

    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    expect((await me(cookie)).nickname).toBeNull()
  })

  test('should keep the nickname from an snsapi_userinfo login and return it from /api/me, also after a silent login', async () => {
    await loginThroughSandbox(backend.bffUrl, FIRST_USER, '/me', { userinfo: true })
    const later = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    expect((await me(later)).nickname).toBe('小明')
  })

  test('should list a guest by the nickname they gave, and by the cloud\'s name otherwise', async () => {
    const owner = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const guest = await loginThroughSandbox(backend.bffUrl, SECOND_USER, '/', { userinfo: true })
    const guestUid = (await me(guest)).uid
    const ownerUid = (await me(owner)).uid
    const created = await fetch(`${backend.bffUrl}/api/app/sharing`, { method: 'POST', headers: { ...backend.page(owner), 'content-type': 'application/json' }, body: JSON.stringify({ type: 1, did: LIVING_ROOM_AC }) })
    const { qr_content } = (await created.json()) as { qr_content: string }
    const code = /code=([0-9a-zA-Z]+)/.exec(qr_content)![1]
    expect((await fetch(`${backend.bffUrl}/api/app/sharing/code/${code}`, { method: 'POST', headers: backend.page(guest) })).status).toBe(201)

    const guests = (await (await fetch(`${backend.bffUrl}/api/app/${LIVING_ROOM_AC}/bindings`, { headers: { cookie: owner } })).json()) as Array<{ uid: string; username: string | null; nickname?: string }>
    const listed = guests.find((item) => item.uid === guestUid)!
    expect(listed.nickname).toBe('小红')
    expect(listed.username).toMatch(/\*{4}/)

    // The invitations name the other party too: the guest on the owner's list, the owner on the guest's.
    type Listed = { objects: Array<{ uid: string | null; nickname?: string; username: string | null }> }
    const sent = (await (await fetch(`${backend.bffUrl}/api/app/sharing?sharing_type=0&did=${LIVING_ROOM_AC}`, { headers: { cookie: owner } })).json()) as Listed
    expect(sent.objects.find((sharing) => sharing.uid === guestUid)?.nickname).toBe('小红')
    const received = (await (await fetch(`${backend.bffUrl}/api/app/sharing?sharing_type=1`, { headers: { cookie: guest } })).json()) as Listed
    const fromOwner = received.objects.find((sharing) => sharing.uid === ownerUid)
    expect(fromOwner?.nickname).toBe('小明')
    expect(fromOwner?.username).toMatch(/\*{4}/)
  })
})

describe('the nickname in the store', () => {
  test('should clean what it keeps: control characters out, at most 32 characters, emoji kept whole', () => {
    const db = openDatabase(':memory:')
    const users = sqliteUserRepository(db, tokenSealer('test-data-key-0123456789abcdef0123456789'))
    users.ensure('o1')
    users.saveCredentials('o1', { uid: 'u1', token: 't', expireAt: 1 })
    users.saveNickname('o1', `  小\u0007明${'😀'.repeat(40)}  `)
    const kept = users.nickname('o1')!
    expect(kept.startsWith('小明')).toBe(true)
    expect([...kept]).toHaveLength(32)
    expect(users.nicknamesByUid(['u1', 'u2'])).toEqual(new Map([['u1', kept]]))
    users.saveNickname('o1', '\u0000 ')
    expect(users.nickname('o1')).toBeNull()
  })
})
