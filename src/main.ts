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

followColorScheme()
// iOS WebViews show :active (the pressed states) only on pages that listen to touches.
document.addEventListener('touchstart', () => undefined, { passive: true })
applyToVant(currentLocale())
document.documentElement.lang = currentLocale()
createApp(App).use(createPinia()).use(i18n).use(router).mount('#app')
