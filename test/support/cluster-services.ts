// Real Redis, PostgreSQL and nginx on loopback for the cluster tests and the benchmarks: the same starters
// `npm run start:cluster` uses, which live with the server (tests may import server code, not the reverse).
export { freePort, startNginx, startPostgres, startRedis, type Restartable, type Service } from '../../server/bff/cluster/local-services'
