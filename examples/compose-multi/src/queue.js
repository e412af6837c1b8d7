const { createClient } = require('redis');

const QUEUE = 'clicks:pending';

async function connect() {
  const client = createClient({ url: process.env.REDIS_URL });
  client.on('error', (err) => console.error('redis error', err.message));
  await client.connect();
  return client;
}

module.exports = { QUEUE, connect };
