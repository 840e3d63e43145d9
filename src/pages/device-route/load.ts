// The device page's code, one loader for the route and for fetching it ahead: a tap on a card must not wait for
// the chunk (people tapped twice while nothing changed for a second), so the list asks for it once it is live.
export const loadDevicePage = () => import('@/pages/DevicePage.vue')
