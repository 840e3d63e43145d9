import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })
const BFF = { group: ['**/server/bff/**', '**/bff/**'], message: 'The BFF is its own program: reach it over HTTP, not by import.' }
const SANDBOX = { group: ['**/server/sandbox/**', '**/sandbox/**'], message: 'The sandbox is a separate program: only the clouds\' protocols connect it to the BFF.' }
const WORKER = { group: ['**/server/worker/**', '**/worker/**'], message: 'The worker is its own program: only the BFF\'s main.ts starts it.' }
const SANDBOX_ROOM = [BFF, WORKER, { group: ['@/*'], message: 'The sandbox does not use the SPA.' }]
const SANDBOX_SQL = { group: ['better-sqlite3'], message: 'The sandbox\'s SQL lives in server/sandbox/store/: ask a store there.' }
const SERVER = { group: ['**/server/**'], message: 'The SPA runs in the browser: it never imports server code.' }

const BFF_ROOM = [
  { ...SANDBOX, group: [...SANDBOX.group, '!**/sandbox/index'], message: 'The BFF reaches the sandbox only through server/sandbox/index.ts, its start-up seam.' },
  { group: ['@/*'], message: 'The BFF does not use the SPA.' },
]

/** Import boundaries between the rooms, as ESLint rules so `npm run lint` (and CI) fails on a crossing. */
export const boundaries = [
  // The SPA (everything in src/ except the shared shapes) never imports server code.
  { files: ['src/**/*.{ts,vue}'], ignores: ['src/shared/**'], rules: restrict([SERVER]) },
  // Pages and components talk to stores and composables; only those call the BFF through the API modules.
  {
    files: ['src/pages/**/*.{ts,vue}', 'src/components/**/*.{ts,vue}'],
    rules: restrict([SERVER, { group: ['@/api', '@/api/*', '../api/*', '../../api/*'], message: 'Pages and components talk to stores and composables, not to the API modules.' }]),
  },
  // Shared code imports nothing outside itself: no app alias, no parent folder, no server.
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([SERVER, { group: ['@/*', '../*', '../**'], message: 'src/shared imports nothing outside itself.' }]),
  },
  // The sandbox imports nothing of the BFF or the worker, and only its store layer (server/sandbox/store/) touches SQLite.
  { files: ['server/sandbox/store/**/*.ts'], rules: restrict(SANDBOX_ROOM) },
  { files: ['server/sandbox/**/*.{ts,js}'], ignores: ['server/sandbox/store/**'], rules: restrict([...SANDBOX_ROOM, SANDBOX_SQL]) },
  // The BFF imports nothing of the sandbox but its start-up seam, server/sandbox/index.ts.
  { files: ['server/bff/**/*.ts'], rules: restrict([...BFF_ROOM, WORKER]) },
  // … and nothing of the worker but in main.ts, which starts it in-process on `npm start` (server/worker/README.md).
  { files: ['server/bff/main.ts'], rules: restrict(BFF_ROOM) },
  // The vendor's worker: of the BFF only its seam (the store and the WeChat sender), of the sandbox only its start-up seam.
  {
    files: ['server/worker/**/*.ts'],
    rules: restrict([
      { ...BFF, group: [...BFF.group, '!**/bff/worker-seam'], message: 'The worker uses the BFF only through server/bff/worker-seam.ts.' },
      { ...SANDBOX, group: [...SANDBOX.group, '!**/sandbox/index'], message: 'The worker reaches the sandbox only through server/sandbox/index.ts, its start-up seam.' },
      { group: ['@/*'], message: 'The worker does not use the SPA.' },
    ]),
  },
  // The labels tool belongs to neither program.
  { files: ['server/labels/**/*.ts'], rules: restrict([BFF, SANDBOX, { group: ['@/*'], message: 'The labels tool does not use the SPA.' }]) },
]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', console: 'readonly', process: 'readonly' },
    },
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  // The rooms (server/README.md): each program and the shared shapes may import only what their room allows.
  ...boundaries,
)
