import { createRouter, createWebHistory } from 'vue-router'
import { LABEL_PATH } from '@shared/device-label'
import DeviceListPage from './pages/DeviceListPage.vue'
import DeviceRoute from './pages/device-route/DeviceRoute.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'devices', component: DeviceListPage },
    // Every other page is its own chunk: the first screen loads only the list.
    // The device page draws its skeleton at once and loads its code behind it (pages/device-route/).
    { path: '/devices/:did', name: 'device', component: DeviceRoute, props: true },
    { path: '/devices/:did/history', name: 'device-history', component: () => import('./pages/DeviceHistoryPage.vue'), props: true },
    { path: '/devices/:did/share', name: 'device-share', component: () => import('./pages/DeviceSharePage.vue'), props: true },
    { path: '/scan', name: 'scan', component: () => import('./pages/ScanPage.vue') },
    // The URL printed on device labels: WeChat's own scanner opens it directly.
    { path: LABEL_PATH, name: 'bind', component: () => import('./pages/BindPage.vue') },
    { path: '/wifi-setup', name: 'wifi-setup', component: () => import('./pages/WifiSetupPage.vue') },
    { path: '/share', name: 'share-accept', component: () => import('./pages/ShareAcceptPage.vue') },
    { path: '/shares', name: 'shares', component: () => import('./pages/SharesPage.vue') },
    { path: '/messages', name: 'messages', component: () => import('./pages/MessagesPage.vue') },
    { path: '/me', name: 'me', component: () => import('./pages/MePage.vue') },
    { path: '/automation/schedules', name: 'schedules', component: () => import('./pages/SchedulesPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
  scrollBehavior: () => ({ top: 0 }),
})
