// WeChat's safe-mode message encryption: AES-256-CBC with the 43-character EncodingAESKey, IV = the key's first
// 16 bytes, plaintext = 16 random bytes + 4-byte big-endian length + message + appid, PKCS#7 padded to 32 bytes.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const BLOCK = 32

export class MessageCryptoError extends Error {}

export class MessageCrypto {
  private readonly key: Buffer

  constructor(aesKey: string, private readonly appId: string) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(aesKey)) throw new MessageCryptoError('EncodingAESKey must be 43 characters of base64')
    this.key = Buffer.from(`${aesKey}=`, 'base64')
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message)
    const length = Buffer.alloc(4)
    length.writeUInt32BE(body.length)
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appId)])
    const pad = BLOCK - (plain.length % BLOCK)
    const cipher = createCipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16)).setAutoPadding(false)
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64')
  }

  decrypt(encrypted: string): { message: string; appId: string } {
    let plain: Buffer
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16)).setAutoPadding(false)
      plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
    } catch {
      throw new MessageCryptoError('cannot decrypt: wrong key or damaged message')
    }
    const pad = plain[plain.length - 1]
    if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) throw new MessageCryptoError('bad padding')
    const unpadded = plain.subarray(0, plain.length - pad)
    const length = unpadded.readUInt32BE(16)
    if (20 + length > unpadded.length) throw new MessageCryptoError('bad message length')
    const message = unpadded.subarray(20, 20 + length).toString()
    const appId = unpadded.subarray(20 + length).toString()
    if (appId !== this.appId) throw new MessageCryptoError(`message is for another account (${appId})`)
    return { message, appId }
  }
}
