import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { VantResolver } from '@vant/auto-import-resolver'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vitest/config'

const bffPort = Number(process.env.PORT ?? 8080)
/**
 * The server tests run a second time on PostgreSQL (project server-pg), all but those about SQLite itself: its
 * damaged or missing file, and its session purge read back from the file.
 */
const PG_SERVER_TESTS = ['test/server/**/*.test.ts', '!test/server/store-damage.test.ts', '!test/server/auth-session-purge.test.ts']

export default defineConfig({
  plugins: [
    vue(),
    // Vant per component: each <van-*> tag imports only that component and its style.
    Components({ resolvers: [VantResolver()], dts: false }),
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
