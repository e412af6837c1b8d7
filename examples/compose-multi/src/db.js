const { Pool } = require('pg');

// DATABASE_URL comes from the `db` dependency (uses = ["db"]) or from compose.
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

async function migrate() {
  await pool.query(`CREATE TABLE IF NOT EXISTS clicks (
    page TEXT PRIMARY KEY,
    total BIGINT NOT NULL DEFAULT 0
  )`);
}

module.exports = { pool, migrate };
