import { createRouter, createWebHistory } from 'vue-router'
import DeviceListPage from './pages/DeviceListPage.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'devices', component: DeviceListPage },
    // The device page is its own chunk: the first screen loads only the list.
    { path: '/devices/:did', name: 'device', component: () => import('./pages/DevicePage.vue'), props: true },
    { path: '/scan', name: 'scan', component: () => import('./pages/ScanPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
  scrollBehavior: () => ({ top: 0 }),
})
