// The sandbox's stand-in for the WeChat client's WeixinJSBridge, so the real weixin-js-sdk runs in any browser.
// Loaded before the page's own scripts (the BFF injects it only on the sandbox). It answers the JS-SDK the way
// the Android client does, and checks wx.config's signature against the sandbox's own jsapi_ticket.
;(function () {
  var script = document.currentScript
  var sandbox = new URL(script.src).origin
  var appId = script.getAttribute('data-app-id')
  var landingUrl = location.href.split('#')[0]
  var ua = navigator.userAgent
  if (!/MicroMessenger/i.test(ua)) {
    ua = ua + ' MicroMessenger/8.0.50.2701(0x28003253) NetType/WIFI Language/zh_CN'
    Object.defineProperty(navigator, 'userAgent', { get: function () { return ua } })
  }
  var ios = /iphone|ipad/i.test(ua)
  var android = /android/i.test(ua)
  var verified = false

  function sha1(text) {
    return crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)).then(function (buffer) {
      return Array.from(new Uint8Array(buffer)).map(function (b) { return b.toString(16).padStart(2, '0') }).join('')
    })
  }

  function sheet(title, build) {
    var overlay = document.createElement('div')
    overlay.setAttribute('data-sandbox-sheet', title)
    overlay.style.cssText = 'position:fixed;inset:0;z-index:99999;background:rgba(0,0,0,.45);display:flex;align-items:flex-end;font:15px/1.5 -apple-system,"PingFang SC",sans-serif'
    var panel = document.createElement('div')
    panel.style.cssText = 'background:#fff;width:100%;border-radius:12px 12px 0 0;padding:16px;max-height:80vh;overflow:auto;box-sizing:border-box'
    var heading = document.createElement('div')
    heading.textContent = title + '（微信沙箱）'
    heading.style.cssText = 'font-weight:600;text-align:center;margin-bottom:12px'
    panel.appendChild(heading)
    overlay.appendChild(panel)
    document.body.appendChild(overlay)
    build(panel, function () { overlay.remove() })
  }

  function button(text, onClick, primary) {
    var el = document.createElement('button')
    el.type = 'button'
    el.textContent = text
    el.style.cssText = 'display:block;width:100%;margin:6px 0;padding:10px;border:0;border-radius:8px;font-size:15px;' + (primary ? 'background:#07c160;color:#fff' : 'background:#f2f3f5;color:#323233')
    el.onclick = onClick
    return el
  }

  var handlers = {
    preVerifyJSAPI: function (args, done) {
      fetch(sandbox + '/sandbox/wechat/jsapi-ticket').then(function (r) { return r.json() }).then(function (body) {
        var url = ios ? landingUrl : location.href.split('#')[0]
        return sha1('jsapi_ticket=' + body.ticket + '&noncestr=' + args.verifyNonceStr + '&timestamp=' + args.verifyTimestamp + '&url=' + url)
      }).then(function (expected) {
        if (args.verifyAppId !== appId) return done({ err_msg: 'config:invalid appid' })
        verified = expected === args.verifySignature
        done({ err_msg: verified ? 'config:ok' : 'config:invalid signature' })
      }).catch(function () { done({ err_msg: 'config:system error' }) })
    },
    checkJsApi: function (args, done) {
      var result = {}
      ;(args.jsApiList || []).forEach(function (name) { result[name] = Object.prototype.hasOwnProperty.call(handlers, name) })
      done({ err_msg: 'checkJsApi:ok', checkResult: android ? JSON.stringify(result) : result })
    },
    scanQRCode: function (args, done) {
      sheet('扫一扫', function (panel, close) {
        var finish = function (text) {
          close()
          if (text === null) return done({ err_msg: 'scanQRCode:cancel' })
          done({ err_msg: 'scanQRCode:ok', resultStr: ios ? JSON.stringify({ scan_code: { scan_result: text } }) : text })
        }
        // Each virtual device's label, and the two other codes a device of this kind may carry.
        fetch(sandbox + '/sandbox/devices/labels').then(function (r) { return r.json() }).then(function (labels) {
          labels.forEach(function (label) {
            var main = label.label_url || label.qr_content
            var el = button(label.name + ' · ' + label.mac + (label.bound ? '' : '（未绑定）'), function () { finish(main) })
            el.setAttribute('data-qr', main)
            el.setAttribute('data-qr-kind', label.label_url ? 'label' : 'gizwits-app')
            el.setAttribute('data-did', label.did)
            panel.insertBefore(el, input)
            var row = document.createElement('div')
            row.style.cssText = 'display:flex;gap:6px;margin:-2px 0 8px'
            ;[['机智云 App 码', 'gizwits-app', label.qr_content], ['二维码服务码', 'qr-service', label.qr_service_content]].forEach(function (form) {
              var small = button(form[0], function () { finish(form[2]) })
              small.style.cssText += ';margin:0;padding:6px;font-size:12px;color:#646566'
              small.setAttribute('data-qr', form[2])
              small.setAttribute('data-qr-kind', form[1])
              small.setAttribute('data-did', label.did)
              row.appendChild(small)
            })
            panel.insertBefore(row, input)
          })
        })
        var input = document.createElement('input')
        input.placeholder = '或粘贴任意二维码内容（如别人手机上的分享码）'
        input.setAttribute('data-qr-input', '')
        input.style.cssText = 'width:100%;box-sizing:border-box;padding:10px;margin:8px 0;border:1px solid #dcdee0;border-radius:8px;font-size:15px'
        panel.appendChild(input)
        panel.appendChild(button('确定', function () { finish(input.value) }, true))
        panel.appendChild(button('取消', function () { finish(null) }))
      })
    },
    configWXDeviceWiFi: function (args, done) {
      sheet('配置设备上网', function (panel, close) {
        var hint = document.createElement('p')
        hint.textContent = '选择正在配网模式的设备，输入 Wi-Fi 名称和密码'
        hint.style.cssText = 'color:#969799;font-size:13px;margin:0 0 8px'
        panel.appendChild(hint)
        var select = document.createElement('select')
        select.setAttribute('data-airkiss-device', '')
        select.style.cssText = 'width:100%;padding:10px;margin:4px 0;border:1px solid #dcdee0;border-radius:8px;font-size:15px'
        panel.appendChild(select)
        fetch(sandbox + '/sandbox/devices/labels').then(function (r) { return r.json() }).then(function (labels) {
          labels.forEach(function (label) {
            var option = document.createElement('option')
            option.value = label.did
            option.textContent = label.name + ' · ' + label.mac + (label.online ? '（已在线）' : '')
            select.appendChild(option)
          })
        })
        var field = function (placeholder, type) {
          var input = document.createElement('input')
          input.placeholder = placeholder
          input.type = type
          input.style.cssText = 'width:100%;box-sizing:border-box;padding:10px;margin:4px 0;border:1px solid #dcdee0;border-radius:8px;font-size:15px'
          panel.appendChild(input)
          return input
        }
        var ssid = field('Wi-Fi 名称', 'text')
        var password = field('Wi-Fi 密码', 'password')
        panel.appendChild(button('连接', function () {
          close()
          fetch(sandbox + '/sandbox/wechat/airkiss', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ did: select.value, ssid: ssid.value, password: password.value, phone: phoneId() }) })
            .then(function (r) { return r.json() })
            .then(function (result) { done({ err_msg: result.ok ? 'configWXDeviceWiFi:ok' : 'configWXDeviceWiFi:fail_' + result.reason }) })
            .catch(function () { done({ err_msg: 'configWXDeviceWiFi:fail' }) })
        }, true))
        panel.appendChild(button('取消', function () { close(); done({ err_msg: 'configWXDeviceWiFi:cancel' }) }))
      })
    },
    openWXDeviceLib: function (args, done) {
      done({ err_msg: 'openWXDeviceLib:ok', bluetoothState: 'on', isSupportBLE: 'yes' })
    },
    closeWXDeviceLib: function (args, done) {
      done({ err_msg: 'closeWXDeviceLib:ok' })
    },
    startScanWXDevice: function (args, done) {
      done({ err_msg: 'startScanWXDevice:ok' })
      // Devices on the phone's LAN answer the discovery broadcast: the ones that joined Wi-Fi through this phone.
      // Each answer's payload (base64Data) is what our devices put in it: product_key, did and MAC, and the
      // passcode while the device is in binding mode after its Wi-Fi setup.
      fetch(sandbox + '/sandbox/wechat/lan-devices?phone=' + encodeURIComponent(phoneId())).then(function (r) { return r.json() }).then(function (devices) {
        ;(listeners.onScanWXDeviceResult || []).forEach(function (listener) {
          listener({
            devices: devices.map(function (d) {
              var payload = 'product_key=' + d.product_key + '&did=' + d.did + '&mac=' + d.mac + (d.passcode ? '&passcode=' + d.passcode : '')
              return { deviceId: d.mac, base64Data: btoa(payload) }
            }),
            isCompleted: 'yes',
          })
        })
      })
    },
    stopScanWXDevice: function (args, done) {
      done({ err_msg: 'stopScanWXDevice:ok' })
    },
    getNetworkType: function (args, done) {
      done({ err_msg: 'getNetworkType:ok', networkType: 'wifi' })
    },
    // Sharing: the page's card and which share items its menu shows, read by the "···" menu below (as WeChat's
    // own top-right menu does) and by tests through window.__sandboxWeChat.
    updateAppMessageShareData: function (args, done) {
      var card = { title: args.title || '', desc: args.desc || '', link: args.link || '', imgUrl: args.imgUrl || '' }
      // WeChat takes only links of the page's own (JS-safe) domain.
      try {
        if (new URL(card.link).origin !== location.origin) return done({ err_msg: 'updateAppMessageShareData:fail, the link is not of this page\'s domain' })
      } catch {
        return done({ err_msg: 'updateAppMessageShareData:fail, invalid link' })
      }
      shareCard = card
      done({ err_msg: 'updateAppMessageShareData:ok' })
    },
    hideMenuItems: function (args, done) {
      ;(args.menuList || []).forEach(function (item) { hiddenItems[item] = true })
      done({ err_msg: 'hideMenuItems:ok' })
    },
    showMenuItems: function (args, done) {
      ;(args.menuList || []).forEach(function (item) { delete hiddenItems[item] })
      done({ err_msg: 'showMenuItems:ok' })
    },
    closeWindow: function (args, done) {
      done({ err_msg: 'closeWindow:ok' })
      document.body.innerHTML = '<p style="text-align:center;margin-top:40vh;color:#969799">页面已关闭（微信沙箱）</p>'
    },
  }

  var listeners = {}
  var shareCard = null
  var hiddenItems = {}

  // What "发送给朋友" would send now: the page's card, or WeChat's default (the page's URL and title); null when hidden.
  function currentCard() {
    if (hiddenItems['menuItem:share:appMessage']) return null
    return shareCard || { title: document.title, desc: location.href.split('#')[0], link: location.href.split('#')[0], imgUrl: '', fallback: true }
  }

  // WeChat's top-right "···" menu lives outside the page; here it is a small handle on the right edge.
  function openMenu() {
    sheet('···', function (panel, close) {
      var card = currentCard()
      if (!card) {
        var none = document.createElement('p')
        none.setAttribute('data-share-hidden', '')
        none.textContent = '此页面不可分享（分享项已隐藏）'
        none.style.cssText = 'color:#969799;text-align:center;margin:8px 0'
        panel.appendChild(none)
      } else {
        var preview = document.createElement('div')
        preview.setAttribute('data-share-card', '')
        preview.setAttribute('data-card-title', card.title)
        preview.setAttribute('data-card-desc', card.desc)
        preview.setAttribute('data-card-link', card.link)
        preview.setAttribute('data-card-img', card.imgUrl)
        preview.style.cssText = 'display:flex;gap:10px;align-items:center;padding:10px;border:1px solid #ebedf0;border-radius:8px;margin-bottom:8px'
        if (card.imgUrl) {
          var img = document.createElement('img')
          img.src = card.imgUrl
          img.alt = ''
          img.style.cssText = 'width:48px;height:48px;border-radius:6px;flex:none'
          preview.appendChild(img)
        }
        var text = document.createElement('div')
        text.style.cssText = 'min-width:0'
        var title = document.createElement('div')
        title.textContent = card.title
        title.style.cssText = 'font-weight:600'
        var desc = document.createElement('div')
        desc.textContent = card.desc
        desc.style.cssText = 'color:#969799;font-size:13px;word-break:break-all'
        text.appendChild(title)
        text.appendChild(desc)
        preview.appendChild(text)
        panel.appendChild(preview)
        panel.appendChild(button('发送给朋友（复制卡片链接）', function () {
          if (navigator.clipboard) navigator.clipboard.writeText(card.link).catch(function () {})
          close()
        }, true))
      }
      panel.appendChild(button('取消', close))
    })
  }

  function addMenuHandle() {
    var handle = document.createElement('button')
    handle.type = 'button'
    handle.textContent = '···'
    handle.setAttribute('data-sandbox-menu', '')
    handle.setAttribute('aria-label', '微信菜单（沙箱）')
    handle.style.cssText = 'position:fixed;right:0;top:45%;z-index:99998;padding:6px 4px;border:0;border-radius:8px 0 0 8px;background:rgba(0,0,0,.35);color:#fff;font-size:12px;writing-mode:vertical-rl'
    handle.onclick = openMenu
    document.body.appendChild(handle)
  }
  if (document.body) addMenuHandle()
  else document.addEventListener('DOMContentLoaded', addMenuHandle)
  window.__sandboxWeChat = { card: currentCard, openMenu: openMenu }

  // This browser is one phone: devices it sets up join its LAN, and only its LAN discovery finds them.
  function phoneId() {
    var id = localStorage.getItem('sbx_phone')
    if (!id) {
      id = Math.random().toString(36).slice(2) + Date.now().toString(36)
      localStorage.setItem('sbx_phone', id)
    }
    return id
  }

  window.WeixinJSBridge = {
    invoke: function (name, args, callback) {
      var done = function (result) { if (callback) callback(result) }
      var handler = handlers[name]
      if (!handler) return done({ err_msg: name + ':function_not_exist' })
      if (name !== 'preVerifyJSAPI' && name !== 'checkJsApi' && !verified) return done({ err_msg: name + ':the permission value is offline verifying' })
      handler(args || {}, done)
    },
    on: function (name, listener) {
      ;(listeners[name] = listeners[name] || []).push(listener)
    },
    call: function (name) { if (handlers[name]) handlers[name]({}, function () {}) },
  }
  document.dispatchEvent(new Event('WeixinJSBridgeReady'))
})()
