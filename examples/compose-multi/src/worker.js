const { pool, migrate } = require('./db');
const { QUEUE, connect } = require('./queue');

async function main() {
  await migrate();
  const redis = await connect();
  console.log(`worker waiting on ${QUEUE}`);
  for (;;) {
    const item = await redis.brPop(QUEUE, 5);
    if (!item) continue;
    await pool.query(
      `INSERT INTO clicks (page, total) VALUES ($1, 1)
       ON CONFLICT (page) DO UPDATE SET total = clicks.total + 1`,
      [item.element],
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
