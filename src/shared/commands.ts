// The paths a command to a device can come by, recorded with each command (who sent it, from where) and shown in
// the device's log. One named set for the BFF, the worker and the app: a path added by a new feature (groups,
// scenes, schedules, rules) is a new entry here and an argument where that feature gives its command.
export const COMMAND_SOURCE = {
  /** A device page the user has open. */
  PAGE: 'page',
  /** A group of devices controlled together. */
  GROUP: 'group',
  SCENE: 'scene',
  SCHEDULE: 'schedule',
  /** A linkage rule (when X, do Y). */
  RULE: 'rule',
  /** The Official Account's chat (a message or menu click). */
  CHAT: 'chat',
} as const
export type CommandSource = (typeof COMMAND_SOURCE)[keyof typeof COMMAND_SOURCE]
export const COMMAND_SOURCES = Object.values(COMMAND_SOURCE) as CommandSource[]

/**
 * Whether a command's result is told to its sender as a notice from the start: a command from a page is told there,
 * and only becomes a notice if the page closes first; the other paths have no page to tell.
 */
export const tellsResultFromStart = (source: CommandSource): boolean => source !== COMMAND_SOURCE.PAGE

/** Why a command failed, as stored with it and shown in the log and the notice. */
export const COMMAND_FAILURE = {
  /** The device never reported the asked values within the time a device takes. */
  NO_REPORT: 'no_report',
  /** It was not sent: the cloud link was not up within the write's window. */
  NOT_SENT: 'not_sent',
  /** The cloud or the checks refused it. */
  REFUSED: 'refused',
  DEVICE_OFFLINE: 'device_offline',
} as const
export type CommandFailure = (typeof COMMAND_FAILURE)[keyof typeof COMMAND_FAILURE]
