// The random code behind `GET /app/device_register?random_codes=…`: after Wi-Fi setup an app knows the SSID and
// password it sent to the device, derives one code per product key it makes, and polls the cloud with them until
// the device that joined that network has registered. The derivation is Gizwits' own (mini_program_gizwits_sdk
// src/randomCode.ts, commit bd54423, and its test vector in tests/randomCode.spec.ts):
//   key  = md5(ssid + password) as 16 raw bytes (AES-128)
//   code = lower hex md5( AES-ECB(key, utf8(product_key)) )   (32-char product keys are two whole blocks: no padding)
import { createCipheriv, createHash } from 'node:crypto'

export function deviceRandomCode(ssid: string, password: string, productKey: string): string {
  const key = createHash('md5').update(ssid + password, 'utf8').digest()
  const plain = Buffer.from(productKey, 'utf8')
  // aes-js encrypts whole blocks only; pad with zeros for any other length, which no real product key has.
  const blocks = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)])
  const cipher = createCipheriv('aes-128-ecb', key, null)
  cipher.setAutoPadding(false)
  const encrypted = Buffer.concat([cipher.update(blocks), cipher.final()])
  return createHash('md5').update(encrypted).digest('hex')
}
