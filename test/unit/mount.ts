// Mounting with the app's real plugins: i18n (zh-CN), a fresh Pinia, and a memory router.
import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import { createPinia } from 'pinia'
import type { Component } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '@/i18n'

export function mountWithApp<C extends Component>(component: C, options: ComponentMountingOptions<C> = {}) {
  setLocale('zh-CN')
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', component: { render: () => null } }] })
  return mount(component, { ...options, global: { plugins: [i18n, createPinia(), router], ...options.global } } as ComponentMountingOptions<C>)
}
