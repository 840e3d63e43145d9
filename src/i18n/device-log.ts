// The device log's strings (the 历史 page's 记录 card), zh-CN first, merged when that page loads: they travel in
// its lazy chunk, so the first route does not grow.
export const deviceLogMessages = {
  'zh-CN': {
    title: '记录',
    empty: '还没有记录：控制设备、设备上报和提醒都会出现在这里',
    failed: '记录暂时取不到',
    retry: '重试',
    more: '更多',
    me: '我',
    someone: '其他用户',
    command: '{who}通过{source}：{values}',
    /** A schedule's or a rule's command: the path says it all ("定时：开关 开"); its maker is the device's user. */
    automated: '{source}：{values}',
    report: '设备上报：{values}',
    source: { page: '设备页', group: '分组', scene: '场景', schedule: '定时', rule: '联动', chat: '公众号' },
    state: { queued: '排队中', sent: '已发送', confirmed: '已执行', expired: '没有发出', failed: '没有执行' },
    reason: { no_report: '设备没有回应', not_sent: '连接中断', refused: '被拒绝', device_offline: '设备离线' },
  },
  en: {
    title: 'Log',
    empty: 'Nothing yet: controls, reports and alerts appear here',
    failed: 'The log could not be loaded',
    retry: 'Retry',
    more: 'More',
    me: 'I',
    someone: 'Another user',
    command: '{who} via {source}: {values}',
    automated: '{source}: {values}',
    report: 'Device reported: {values}',
    source: { page: 'device page', group: 'group', scene: 'scene', schedule: 'Schedule', rule: 'Rule', chat: 'Official Account' },
    state: { queued: 'queued', sent: 'sent', confirmed: 'done', expired: 'not sent', failed: 'not done' },
    reason: { no_report: 'the device did not answer', not_sent: 'connection lost', refused: 'refused', device_offline: 'device offline' },
  },
}
