// `npm run worker`: the vendor's worker as its own process, against the real SNoti (or a standalone sandbox).
// Several can run with the same SNOTI_SUBKEY: SNoti deals the stream out among them, and with DATABASE_URL they
// share one PostgreSQL (run.ts). On `npm start` in sandbox mode the BFF starts it in-process instead
// (server/worker/README.md says why).
import { workerProcess } from './run'

await workerProcess()
