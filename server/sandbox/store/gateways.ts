// Which sub-device has joined which gateway, and the firmware side of every device (its versions, and each
// product's published firmware): the SQL behind `Gateways` (gateways.ts) and `Firmware` (firmware.ts).
import type Database from 'better-sqlite3'

export type FirmwareType = 'wifi' | 'mcu'

export interface CatalogueRow {
  product_key: string
  firmware_type: FirmwareType
  version: string
  notes: string
  forced: boolean
  published_at: number
}

export class GatewayStore {
  constructor(private readonly db: Database.Database) {}

  children(): Array<{ did: string; gw_did: string; joined_at: number }> {
    return this.db.prepare('SELECT did, gw_did, joined_at FROM sub_devices ORDER BY joined_at, rowid').all() as Array<{ did: string; gw_did: string; joined_at: number }>
  }

  join(did: string, gwDid: string, at: number): void {
    this.db.prepare('INSERT INTO sub_devices (did, gw_did, joined_at) VALUES (?, ?, ?) ON CONFLICT(did) DO UPDATE SET gw_did = excluded.gw_did, joined_at = excluded.joined_at').run(did, gwDid, at)
  }

  leave(did: string): void {
    this.db.prepare('DELETE FROM sub_devices WHERE did = ?').run(did)
  }

  versions(): Map<string, { wifi: string; mcu: string }> {
    const rows = this.db.prepare('SELECT did, wifi, mcu FROM device_firmware').all() as Array<{ did: string; wifi: string; mcu: string }>
    return new Map(rows.map((row) => [row.did, { wifi: row.wifi, mcu: row.mcu }]))
  }

  saveVersions(did: string, versions: { wifi: string; mcu: string }): void {
    this.db.prepare('INSERT INTO device_firmware (did, wifi, mcu) VALUES (?, ?, ?) ON CONFLICT(did) DO UPDATE SET wifi = excluded.wifi, mcu = excluded.mcu').run(did, versions.wifi, versions.mcu)
  }

  catalogue(): CatalogueRow[] {
    return (this.db.prepare('SELECT * FROM firmware_catalogue').all() as Array<Omit<CatalogueRow, 'forced'> & { forced: number }>).map((row) => ({ ...row, forced: row.forced === 1 }))
  }

  publish(row: CatalogueRow): void {
    this.db
      .prepare('INSERT INTO firmware_catalogue (product_key, firmware_type, version, notes, forced, published_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(product_key, firmware_type) DO UPDATE SET version = excluded.version, notes = excluded.notes, forced = excluded.forced, published_at = excluded.published_at')
      .run(row.product_key, row.firmware_type, row.version, row.notes, row.forced ? 1 : 0, row.published_at)
  }
}
