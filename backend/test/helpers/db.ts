import mongoose from 'mongoose';

/** Drops a test database (each test file or run has its own). */
export async function dropDatabase(url: string): Promise<void> {
  const conn = await mongoose.createConnection(url).asPromise();
  await conn.dropDatabase();
  await conn.close();
}
