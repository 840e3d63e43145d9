// The 历史 page's strings, zh-CN first, merged into the catalogues when that page loads: they travel in its lazy
// chunk, so the first route does not grow (bench/bundle). `history.link`, shown on the device page, stays in
// zh-CN.ts / en.ts.
export const historyMessages = {
  'zh-CN': {
    title: '{name} · 历史',
    range: { h6: '6 小时', h24: '24 小时', h168: '7 天', h720: '30 天' },
    caption: '{name}（{unit}）：线为平均值，浅色带为最小到最大，红色虚线为提醒界限',
    empty: '这段时间还没有数据',
    noNumbers: '这台设备没有可以画图的数值',
    retry: '重试',
    limitTitle: '超限提醒',
    limitHint: '超出界限时，会在应用里和微信里通知绑定这台设备的人；恢复后再通知一次',
    below: '低于',
    above: '高于',
    limitSaved: '提醒已保存',
    limitInvalid: '请填写一个数字',
    olderUnavailable: '更早的数据暂时取不到（机智云没有响应），稍后再看',
  },
  en: {
    title: '{name} · History',
    range: { h6: '6 h', h24: '24 h', h168: '7 days', h720: '30 days' },
    caption: '{name} ({unit}): the line is the average, the band min to max, the dashed red line the alert limit',
    empty: 'No data for this period yet',
    noNumbers: 'This device has no numbers to chart',
    retry: 'Retry',
    limitTitle: 'Limit alert',
    limitHint: 'When the limit is crossed, everyone bound to this device is told in the app and in WeChat; again when it recovers',
    below: 'below',
    above: 'above',
    limitSaved: 'Alert saved',
    limitInvalid: 'Please enter a number',
    olderUnavailable: 'Older data cannot be fetched right now (the Gizwits cloud did not answer); try again later',
  },
}
