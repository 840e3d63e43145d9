// A port that was free a moment ago on 127.0.0.1: the server's own helper (start:cluster uses it too).
export { freePort } from '../../server/bff/cluster/local-services'
