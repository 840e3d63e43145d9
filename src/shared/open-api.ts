// Gizwits Open API shapes (seed 003), declared once as TypeBox schemas: the BFF validates and serializes with them,
// the sandbox answers with them, the SPA imports the types only. One file per resource under open-api/; this barrel
// keeps `@shared/open-api` the one import for all of them.
export * from './open-api/common'
export * from './open-api/users'
export * from './open-api/bindings'
export * from './open-api/sharing'
export * from './open-api/messages'
export * from './open-api/datapoints'
export * from './open-api/device-data'
