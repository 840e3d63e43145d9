// The message centre: share invitations and their outcomes. Gizwits pushes nothing for these, so the list is
// fetched when a page needs it and every half minute while the app is in front.
import { defineStore } from 'pinia'
import type { AppMessage } from '@shared/open-api'
import type { ApiError } from '@/api/http'
import { fetchMessages, markMessage } from '@/api/sharing'

export const INVITATION = /给您共享了设备|shared .* with you/

export const useMessagesStore = defineStore('messages', {
  state: () => ({
    list: [] as AppMessage[],
    status: 'idle' as 'idle' | 'loading' | 'ready' | 'error',
    error: null as ApiError | null,
  }),
  getters: {
    unread: (state) => state.list.filter((message) => message.status === 0).length,
  },
  actions: {
    async load(): Promise<void> {
      if (this.status !== 'ready') this.status = 'loading'
      try {
        this.list = (await fetchMessages()).objects
        this.status = 'ready'
      } catch (error) {
        this.error = error as ApiError
        if (this.status !== 'ready') this.status = 'error'
      }
    },
    async mark(id: string, status: 1 | 2): Promise<void> {
      await markMessage(id, status)
      if (status === 2) this.list = this.list.filter((message) => message.id !== id)
      else this.list = this.list.map((message) => (message.id === id ? { ...message, status } : message))
    },
  },
})
