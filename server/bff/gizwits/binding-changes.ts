// The one place a change of bindings is reported. Whatever changed them — a bind through the binding guard, an
// unbind, a transfer, a removed guest or an answered sharing through the routes, a WeChat push, or the cloud's own
// s2c_binding_changed on the relay — says so here, and this decides what may no longer be believed: today the
// access cache (gizwits/device-access.ts); whatever else comes to depend on bindings is told from here too.
// With several BFFs, each change is also announced on the cluster bus (cluster/cluster-bus.ts), and the other
// instances forget the same cached lists.
import type { DeviceAccess } from './device-access'

export type BindingChangeEvent = { kind: 'user_changed'; openid: string } | { kind: 'devices_changed'; dids: string[]; by?: string }

export class BindingChanges {
  private readonly listeners = new Set<(event: BindingChangeEvent) => void>()

  constructor(private readonly access: DeviceAccess, private readonly announce?: (event: BindingChangeEvent) => void) {}

  /** What follows bindings in this BFF (a shared home gives a device its owner just bound): told of each change. */
  listen(listener: (event: BindingChangeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private tell(event: BindingChangeEvent): void {
    this.announce?.(event)
    // A listener's failure is its own: the change itself has happened and is reported all the same.
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // see above
      }
    }
  }

  /**
   * This user's own bindings changed: a device bound, a binding's alias or remark edited, a sharing created,
   * answered or accepted, or the cloud said so. Their cached list (and remembered misses) is read again.
   */
  userChanged(openid: string): void {
    this.access.forget(openid)
    this.tell({ kind: 'user_changed', openid })
  }

  /**
   * Who may use these devices changed: unbound by `by` (an owner's unbind removes every guest's binding too),
   * ownership moved, or a guest removed. No user's cached list may vouch for them any longer, and `by`'s own
   * list is read again.
   */
  devicesChanged(dids: readonly string[], by?: string): void {
    for (const did of dids) this.access.forgetDevice(did)
    if (by !== undefined) this.access.forget(by)
    this.tell({ kind: 'devices_changed', dids: [...dids], by })
  }
}
