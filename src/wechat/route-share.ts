// Each page's share policy, applied after every navigation (see share-menu.ts): the list shares the app, every
// other page hides WeChat's share items until it offers a card of its own. The JS-SDK adapter loads only when a
// page needs a change: landing on the list needs none, so the first screen does not carry it (bench/bundle).
import type { Router } from 'vue-router'
import { i18n } from '@/i18n'

/** Pages whose URL means the same to whoever receives it: the receiver opens their own list. */
const SHAREABLE = new Set(['devices'])
let changed = false

export function installSharePolicy(router: Router): void {
  router.afterEach((to, _from, failure) => {
    if (failure) return
    const shareable = typeof to.name === 'string' && SHAREABLE.has(to.name)
    if (shareable && !changed) return
    changed = true
    const t = i18n.global.t
    void import('./share-menu').then((menu) =>
      shareable
        ? menu.shareApp({ title: t('shareCard.appTitle'), desc: t('shareCard.appDesc'), link: `${window.location.origin}/`, imgUrl: menu.shareIcon() })
        : menu.hideShare(),
    )
  })
}
