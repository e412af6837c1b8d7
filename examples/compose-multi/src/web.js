const express = require('express');
const { pool, migrate } = require('./db');
const { QUEUE, connect } = require('./queue');

async function main() {
  await migrate();
  const redis = await connect();
  const app = express();

  app.get('/healthz', async (req, res) => {
    await pool.query('SELECT 1');
    await redis.ping();
    res.json({ status: 'ok' });
  });

  // Clicks are queued and counted by the worker, so bursts never block requests.
  app.post('/click/:page', async (req, res) => {
    await redis.lPush(QUEUE, req.params.page);
    res.status(202).json({ queued: true });
  });

  // Operators reset the counters with the admin token; everyone else is refused.
  app.post('/reset', async (req, res) => {
    const token = process.env.ADMIN_TOKEN;
    if (!token || req.get('authorization') !== `Bearer ${token}`) {
      return res.status(401).json({ error: 'unauthorized' });
    }
    await pool.query('TRUNCATE clicks');
    return res.status(204).end();
  });

  app.get('/clicks', async (req, res) => {
    const { rows } = await pool.query('SELECT page, total FROM clicks ORDER BY total DESC');
    res.json(rows);
  });

  const port = process.env.PORT || 3000;
  app.listen(port, () => console.log(`web listening on ${port}`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
