import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, URL } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import vue from '@vitejs/plugin-vue'
import { VantResolver } from '@vant/auto-import-resolver'
import Components from 'unplugin-vue-components/vite'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

// A plugin of ours, kept here so the repository's top level stays as designed: it writes a brotli (.br) and a gzip
// (.gz) copy beside every text asset of the build, so the BFF serves them compressed without compressing on each
// request (@fastify/static's `preCompressed` picks the copy the browser accepts). Compressed once at the highest
// levels, since the cost is paid at build time only.
const TEXT = /\.(js|css|svg|json|txt|webmanifest)$/
/** Below this a copy saves less than its headers cost. */
const MIN_BYTES = 512

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir)
    },
    closeBundle() {
      for (const path of filesUnder(outDir)) {
        if (!TEXT.test(path)) continue
        const body = readFileSync(path)
        if (body.length < MIN_BYTES) continue
        writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }))
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }))
      }
    },
  }
}

const bffPort = Number(process.env.PORT ?? 8080)
/**
 * The server tests run a second time on PostgreSQL (project server-pg), all but those about SQLite itself (its
 * damaged or missing file, its session purge read back from the file).
 */
const PG_SERVER_TESTS = ['test/server/**/*.test.ts', '!test/server/store-damage.test.ts', '!test/server/auth-session-purge.test.ts']

export default defineConfig({
  plugins: [
    vue(),
    // Vant per component: each <van-*> tag imports only that component and its style.
    Components({ resolvers: [VantResolver()], dts: false }),
    // Brotli and gzip copies of the assets, served as they are by the BFF (server/bff/app.ts).
    precompress(),
  ],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '@shared': fileURLToPath(new URL('./src/shared', import.meta.url)),
    },
  },
  server: {
    port: 5173,
    proxy: {
      // Keep the browser's Host: the BFF derives the OAuth redirect and the sandbox's origin from it.
      '/api': { target: `http://127.0.0.1:${bffPort}`, changeOrigin: false },
      '/auth': { target: `http://127.0.0.1:${bffPort}`, changeOrigin: false },
      '/healthz': { target: `http://127.0.0.1:${bffPort}`, changeOrigin: false },
      '/ws': { target: `ws://127.0.0.1:${bffPort}`, ws: true },
    },
  },
  // Maps are written for debugging but not referenced from the bundle, and the BFF never serves them.
  build: { outDir: 'dist', sourcemap: 'hidden' },
  test: {
    projects: [
      {
        extends: true,
        // Vant's per-component CSS imports must go through Vite, not Node.
        test: { name: 'unit', environment: 'happy-dom', include: ['test/unit/**/*.test.ts'], server: { deps: { inline: ['vant'] } } },
      },
      {
        extends: true,
        test: { name: 'server', environment: 'node', include: ['test/server/**/*.test.ts', 'test/sandbox/**/*.test.ts'], testTimeout: 15000 },
      },
      {
        extends: true,
        // The server tests again with DATABASE_URL set: each startBackend() gets a PostgreSQL database of its own
        // (test/support/backend.ts). Tests that open SQLite themselves still do (they test that engine).
        test: {
          name: 'server-pg', environment: 'node', testTimeout: 15000, hookTimeout: 60000,
          include: PG_SERVER_TESTS,
          globalSetup: ['test/support/postgres-global-setup.ts'],
        },
      },
      {
        extends: true,
        // Several BFF processes behind nginx on real Redis and PostgreSQL (test/support/cluster-services.ts).
        test: { name: 'cluster', environment: 'node', include: ['test/cluster/**/*.test.ts'], testTimeout: 60000, hookTimeout: 120000, fileParallelism: false },
      },
      {
        extends: true,
        test: { name: 'e2e', environment: 'node', include: ['test/e2e/**/*.test.ts'], testTimeout: 60000, hookTimeout: 60000, fileParallelism: false },
      },
    ],
  },
})
