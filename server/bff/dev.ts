// `npm run dev`: the backend as `npm start` runs it, plus Vite's dev server with HMR, proxying to the BFF.
import { join } from 'node:path'
import { createServer } from 'vite'

process.env.PUBLIC_URL ??= 'http://localhost:5173'
process.env.HOST ??= '127.0.0.1'
await import('./main')
const vite = await createServer({ root: join(import.meta.dirname, '..', '..'), server: { port: 5173 } })
await vite.listen()
vite.printUrls()
