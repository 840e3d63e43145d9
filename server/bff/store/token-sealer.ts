// Seals the Gizwits user tokens the BFF keeps (they control devices directly) so app.db and its backups never hold
// them in plain text. AES-256-GCM with a key derived by HKDF from DATA_KEY; each token is bound to its user's
// openid (additional data), so a sealed token copied onto another row does not open.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

export interface TokenSealer {
  seal: (plain: string, owner: string) => string
  /** The plain token, or null when it was sealed with another key or tampered with. */
  open: (sealed: string, owner: string) => string | null
  /** A fingerprint of the key (an HMAC of a fixed text), stored to notice a changed DATA_KEY. */
  keyCheck: string
}

export function tokenSealer(dataKey: string): TokenSealer {
  const key = Buffer.from(hkdfSync('sha256', dataKey, 'gizwits-wechat-h5 app.db', 'gizwits user token v1', 32))
  const keyCheck = createHmac('sha256', key).update('gizwits-wechat-h5 key check').digest('hex').slice(0, 32)
  return {
    keyCheck,
    seal: (plain, owner) => {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(owner, 'utf8'))
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
    },
    open: (sealed, owner) => {
      const [version, payload] = sealed.split('.')
      if (version !== VERSION || !payload) return null
      const bytes = Buffer.from(payload, 'base64url')
      if (bytes.length < IV_BYTES + TAG_BYTES) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
        decipher.setAAD(Buffer.from(owner, 'utf8'))
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
      } catch {
        return null
      }
    },
  }
}
