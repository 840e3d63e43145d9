// What the homes pages do: every change goes to the BFF and then reloads the homes store, so the list shows it.
import type { HomeInvitation, HomeMembers } from '@shared/homes'
import * as api from '@/api/homes'
import { useHomesStore } from '@/stores/homes'

export function useHomeAdmin() {
  const homes = useHomesStore()
  const thenReload = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const result = await call(...args)
    await homes.load(true)
    return result
  }
  return {
    homes,
    createHome: thenReload(api.createHome),
    renameHome: thenReload(api.renameHome),
    deleteHome: thenReload(api.deleteHome),
    addRoom: thenReload(api.addRoom),
    renameRoom: thenReload(api.renameRoom),
    deleteRoom: thenReload(api.deleteRoom),
    reorderRooms: thenReload(api.reorderRooms),
    placeDevice: thenReload(api.placeDevice),
    leaveHome: thenReload(api.leaveHome),
    answerInvitation: thenReload(api.answerHomeInvitation),
    acceptCode: thenReload(api.acceptHomeInviteCode),
    inviteByQr: (homeId: number) => api.inviteToHome(homeId, { type: 'qr' }),
    inviteUser: (homeId: number, uid: string) => api.inviteToHome(homeId, { type: 'user', uid }),
    members: (homeId: number): Promise<HomeMembers> => api.fetchHomeMembers(homeId),
    removeMember: api.removeHomeMember,
    cancelInvitation: api.cancelHomeInvitation,
    invitations: (): Promise<HomeInvitation[]> => api.fetchHomeInvitations(),
    codeInfo: api.fetchHomeInviteCode,
  }
}
