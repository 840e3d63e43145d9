// Each page's share policy, applied after every navigation (see share-menu.ts): the list shares the app, every
// other page hides WeChat's share items until it offers a card of its own.
import type { Router } from 'vue-router'
import { i18n } from '@/i18n'
import { hideShare, shareApp, shareIcon } from './share-menu'

/** Pages whose URL means the same to whoever receives it: the receiver opens their own list. */
const SHAREABLE = new Set(['devices'])

export function installSharePolicy(router: Router): void {
  router.afterEach((to, _from, failure) => {
    if (failure) return
    if (typeof to.name === 'string' && SHAREABLE.has(to.name)) {
      const t = i18n.global.t
      void shareApp({ title: t('shareCard.appTitle'), desc: t('shareCard.appDesc'), link: `${window.location.origin}/`, imgUrl: shareIcon() })
    } else void hideShare()
  })
}
