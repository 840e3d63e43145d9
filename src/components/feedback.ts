// Confirm dialogs and toasts, loaded on first use so the first screen does not carry them (bench/bundle).
import { i18n } from '@/i18n'

/**
 * A Vant overlay's styles, in the order the cascade needs: `.van-popup` (background, centring) first, then the
 * component's own rules of the same weight (`.van-toast`'s dark background, `.van-dialog`'s position), which win
 * only by coming later in the document. Imported together, the bundler links its shared popup stylesheet AFTER the
 * component's (a toast showed as an empty white box); awaited in turn, the popup sheet is already in the document
 * when the component's is added, and the loader does not add a sheet twice.
 */
async function overlayStyle(load: () => Promise<unknown>): Promise<void> {
  await import('vant/es/popup/style')
  await load()
}

export async function confirmAction(message: string, options: { title?: string; confirm?: string; danger?: boolean } = {}): Promise<boolean> {
  const [{ showConfirmDialog }] = await Promise.all([import('vant/es/dialog'), overlayStyle(() => import('vant/es/dialog/style'))])
  const t = i18n.global.t
  try {
    await showConfirmDialog({
      title: options.title,
      message,
      confirmButtonText: options.confirm ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      confirmButtonColor: options.danger ? 'var(--app-danger)' : 'var(--app-brand)',
    })
    return true
  } catch {
    return false
  }
}

export async function toast(message: string): Promise<void> {
  const [{ showToast }] = await Promise.all([import('vant/es/toast'), overlayStyle(() => import('vant/es/toast/style'))])
  showToast({ message, position: 'bottom' })
}

/** The user-facing message of a failed call (the BFF's, in the user's language), or `fallback`. */
export function failureText(error: unknown, fallback = i18n.global.t('common.failed')): string {
  const message = (error as { message?: string } | null)?.message
  return message && !/^HTTP \d+$/.test(message) ? message : fallback
}

/**
 * Runs what the user asked for: a failure becomes a toast with its message, a success the `done` toast if given.
 * Resolves to whether it worked, so the page can move on only then.
 */
export async function withToast(work: () => Promise<unknown>, done?: string): Promise<boolean> {
  try {
    await work()
  } catch (error) {
    void toast(failureText(error))
    return false
  }
  if (done) void toast(done)
  return true
}
