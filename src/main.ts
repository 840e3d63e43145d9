import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { followColorScheme } from './color-scheme'
import { applyToVant, currentLocale, i18n } from './i18n'
import { router } from './router'
// The look as variables: the one file a vendor changes to rebrand the app.
import './theme.css'
// Cards, rows, buttons and tabs answer a finger at once.
import './pressed.css'
// Records the landing URL at boot: iOS WeChat signs wx.config against it.
import './wechat/environment'
import { installSharePolicy } from './wechat/route-share'

followColorScheme()
// iOS WebViews show :active (the pressed states) only on pages that listen to touches.
document.addEventListener('touchstart', () => undefined, { passive: true })
applyToVant(currentLocale())
document.documentElement.lang = currentLocale()
// The page's title in the user's language (index.html carries the zh-CN one); pages may set their own.
document.title = i18n.global.t('app.title')
// Which pages WeChat's menu may share, and what (a private page's URL means nothing to its receiver).
installSharePolicy(router)
createApp(App).use(createPinia()).use(i18n).use(router).mount('#app')
