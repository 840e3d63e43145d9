// Baseline for bench/ws-fanout: a bare `ws` server that broadcasts whatever is POSTed to /broadcast.
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

const port = Number(process.env.PORT ?? 0)
const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/broadcast') {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      for (const client of sockets.clients) client.send(body)
      response.writeHead(204).end()
    })
    return
  }
  response.writeHead(200).end('ok')
})
const sockets = new WebSocketServer({ server })
server.listen(port, '127.0.0.1')
