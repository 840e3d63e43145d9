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
    { path: '/homes', name: 'homes', component: () => import('./pages/HomesPage.vue') },
    { path: '/homes/join', name: 'home-join', component: () => import('./pages/HomeJoinPage.vue') },
    // The 自动化 tab: scenes and groups here; schedules and rules add /automation/schedules and /automation/rules.
    { path: '/automation', name: 'automation', component: () => import('./pages/AutomationPage.vue') },
    { path: '/automation/groups/new', name: 'group-new', component: () => import('./pages/automation/GroupNewPage.vue') },
    { path: '/automation/groups/:id', name: 'group', component: () => import('./pages/automation/GroupPage.vue'), props: true },
    { path: '/automation/scenes/new', name: 'scene-new', component: () => import('./pages/automation/SceneEditPage.vue') },
    { path: '/automation/scenes/:id/edit', name: 'scene-edit', component: () => import('./pages/automation/SceneEditPage.vue'), props: true },
    { path: '/automation/scenes/:id', name: 'scene', component: () => import('./pages/automation/ScenePage.vue'), props: true },
    { path: '/automation/rules', name: 'rules', component: () => import('./pages/RulesPage.vue') },
    { path: '/automation/schedules', name: 'schedules', component: () => import('./pages/SchedulesPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
  scrollBehavior: () => ({ top: 0 }),
})
