// The Official Account's custom menu, built from menu.config.json. View buttons open our pages through
// /auth/wechat/login, which starts snsapi_base OAuth with a state bound to the browser: the first tap logs the
// user in silently, and no fixed-state OAuth link exists that could log someone into another person's account.
import { wechatCall, type AccessTokenSource } from './access-token'

export interface MenuEntry { name: string; path?: string; key?: string; sub_button?: MenuEntry[] }
export interface MenuButton { type?: 'view' | 'click'; name: string; url?: string; key?: string; sub_button?: MenuButton[] }

export function buildMenu(entries: MenuEntry[], publicUrl: string): { button: MenuButton[] } {
  const toButton = (entry: MenuEntry): MenuButton => {
    if (entry.sub_button) return { name: entry.name, sub_button: entry.sub_button.map(toButton) }
    if (entry.path) return { type: 'view', name: entry.name, url: `${publicUrl}/auth/wechat/login?next=${encodeURIComponent(entry.path)}` }
    if (entry.key) return { type: 'click', name: entry.name, key: entry.key }
    throw new Error(`menu entry "${entry.name}" needs a path, a key or sub buttons`)
  }
  return { button: entries.map(toButton) }
}

export class MenuClient {
  constructor(private readonly apiBase: string, private readonly accessToken: AccessTokenSource) {}

  create(menu: { button: MenuButton[] }): Promise<unknown> {
    return this.accessToken.withToken((token) =>
      wechatCall(`${this.apiBase}/cgi-bin/menu/create?access_token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(menu) }),
    )
  }

  get(): Promise<{ menu: { button: MenuButton[] } }> {
    return this.accessToken.withToken((token) => wechatCall(`${this.apiBase}/cgi-bin/menu/get?access_token=${encodeURIComponent(token)}`))
  }

  delete(): Promise<unknown> {
    return this.accessToken.withToken((token) => wechatCall(`${this.apiBase}/cgi-bin/menu/delete?access_token=${encodeURIComponent(token)}`))
  }
}
