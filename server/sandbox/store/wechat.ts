// The sandbox's WeChat side as rows: its demo users, who unfollowed the Official Account, and each user's
// conversation with it (what the sandbox's WeChat page shows), when each last spoke to the account (the
// customer-service window) and how many subscription-notice consents each has left per template.
import type Database from 'better-sqlite3'

export interface WechatUserRow {
  openid: string
  nickname: string
}

export interface WechatMessageRow {
  id: number
  kind: string
  body: string
  created_at: number
}

export class WechatStore {
  constructor(private readonly db: Database.Database) {}

  users(): WechatUserRow[] {
    return this.db.prepare('SELECT openid, nickname FROM wechat_users ORDER BY rowid').all() as WechatUserRow[]
  }

  user(openid: string): WechatUserRow | undefined {
    return this.db.prepare('SELECT openid, nickname FROM wechat_users WHERE openid = ?').get(openid) as WechatUserRow | undefined
  }

  userCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM wechat_users').get() as { n: number }).n
  }

  addUser(openid: string, nickname: string, createdAt: number): void {
    this.db.prepare('INSERT INTO wechat_users (openid, nickname, created_at) VALUES (?, ?, ?)').run(openid, nickname, createdAt)
  }

  following(openid: string): boolean {
    return this.db.prepare('SELECT openid FROM wechat_unfollowed WHERE openid = ?').get(openid) === undefined
  }

  setFollowing(openid: string, following: boolean): void {
    if (following) this.db.prepare('DELETE FROM wechat_unfollowed WHERE openid = ?').run(openid)
    else this.db.prepare('INSERT OR IGNORE INTO wechat_unfollowed (openid) VALUES (?)').run(openid)
  }

  /** A bubble in the user's conversation; its id. */
  addMessage(openid: string, kind: 'user' | 'reply' | 'template' | 'subscribe' | 'custom', body: object, createdAt: number): number {
    const { lastInsertRowid } = this.db.prepare('INSERT INTO wechat_messages (openid, kind, body, created_at) VALUES (?, ?, ?, ?)').run(openid, kind, JSON.stringify(body), createdAt)
    return Number(lastInsertRowid)
  }

  messages(openid: string): WechatMessageRow[] {
    return this.db.prepare('SELECT id, kind, body, created_at FROM wechat_messages WHERE openid = ? ORDER BY id').all(openid) as WechatMessageRow[]
  }

  /** The user messaged, clicked the menu or scanned: the customer-service window opens from here. */
  touch(openid: string, at: number): void {
    this.db.prepare('INSERT INTO wechat_interactions (openid, at) VALUES (?, ?) ON CONFLICT(openid) DO UPDATE SET at = excluded.at').run(openid, at)
  }

  lastInteraction(openid: string): number | null {
    return (this.db.prepare('SELECT at FROM wechat_interactions WHERE openid = ?').get(openid) as { at: number } | undefined)?.at ?? null
  }

  /** Consents left (one notice each) for this user and subscription template. */
  credits(openid: string, templateId: string): number {
    return (this.db.prepare('SELECT credits FROM wechat_subscribe_credits WHERE openid = ? AND template_id = ?').get(openid, templateId) as { credits: number } | undefined)?.credits ?? 0
  }

  setCredits(openid: string, templateId: string, credits: number): void {
    this.db.prepare('INSERT INTO wechat_subscribe_credits (openid, template_id, credits) VALUES (?, ?, ?) ON CONFLICT(openid, template_id) DO UPDATE SET credits = excluded.credits').run(openid, templateId, credits)
  }
}
